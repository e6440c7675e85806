// Importing this module makes every AsyncLocalStorage created afterwards a view over one real one.
//
// Why: Baileys creates an AsyncLocalStorage for each socket (its key-store transactions) and never
// disables it, so every connect, reconnect and pairing restart leaves one more behind. On Node 20,
// each enabled storage is visited by a hook on every promise the process creates: with 500
// sessions an `await` cost 31 µs instead of 36 ns, restoring them took 32 s instead of 15 s and an
// idle session held 2.3 MB instead of 0.7 MB (bench sessions). With one real storage the hook
// visits one, however many sockets come and go. Node 24's AsyncContextFrame removes the cost;
// until then this keeps zapd's cost flat.
//
// Each view keeps its value under its own symbol inside the shared store, so views never see each
// other's values; run/exit/enterWith/getStore behave as they do on a real storage.
import asyncHooks from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';

type Frame = Readonly<Record<symbol, unknown>>;

const Original = asyncHooks.AsyncLocalStorage;
const INSTALLED = Symbol.for('zapd.sharedAsyncLocalStorage');

export function installSharedAsyncLocalStorage(): void {
  if ((asyncHooks.AsyncLocalStorage as unknown as Record<symbol, boolean>)[INSTALLED]) return;
  const root = new Original<Frame>();

  class SharedAsyncLocalStorage<T> {
    static readonly [INSTALLED] = true;
    static bind = Original.bind.bind(Original);
    static snapshot = Original.snapshot.bind(Original);
    private readonly slot = Symbol('AsyncLocalStorage view');

    private with(value: T | undefined): Frame {
      return { ...root.getStore(), [this.slot]: value };
    }

    getStore(): T | undefined {
      return root.getStore()?.[this.slot] as T | undefined;
    }

    run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
      return root.run(this.with(store), callback, ...args);
    }

    exit<R, A extends unknown[]>(callback: (...args: A) => R, ...args: A): R {
      return root.run(this.with(undefined), callback, ...args);
    }

    enterWith(store: T): void {
      root.enterWith(this.with(store));
    }

    /** A view has nothing of its own to switch off; its values are dropped with the frames that hold them. */
    disable(): void {}
  }

  Object.defineProperty(asyncHooks, 'AsyncLocalStorage', { value: SharedAsyncLocalStorage, writable: true, configurable: true, enumerable: true });
  // `import { AsyncLocalStorage } from 'node:async_hooks'` in ES modules reads these synced bindings.
  syncBuiltinESMExports();
}

installSharedAsyncLocalStorage();
