// A menu button (WAI-ARIA menu pattern): Enter/Space/ArrowDown open it on the first item, arrows
// move, Home/End jump, Escape or Tab closes it and focus returns to the button.
import { element } from './core.js';

let openMenu = null;

function close(menu, refocus) {
  menu.list.hidden = true;
  menu.button.setAttribute('aria-expanded', 'false');
  if (openMenu === menu) openMenu = null;
  if (refocus) menu.button.focus();
}

document.addEventListener('pointerdown', (event) => {
  if (openMenu && !openMenu.root.contains(event.target)) close(openMenu, false);
});

let counter = 0;

/** items: [{ label, run, danger? } | 'separator']. Returns the element holding button and menu. */
export function menuButton(label, accessibleName, items) {
  const id = `menu-${++counter}`;
  const button = element('button', { type: 'button', class: 'menu-button', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': id, 'aria-label': accessibleName }, label);
  const entries = items.map((item) =>
    item === 'separator'
      ? element('li', { role: 'separator' })
      : element('li', { role: 'none' }, element('button', { type: 'button', role: 'menuitem', tabindex: '-1', class: item.danger ? 'danger' : undefined, 'data-action': item.action }, item.label)),
  );
  const list = element('ul', { id, role: 'menu', class: 'menu', 'aria-label': accessibleName, hidden: true }, ...entries);
  const root = element('div', { class: 'menu-root' }, button, list);
  const menu = { root, button, list };
  const menuItems = () => [...list.querySelectorAll('[role="menuitem"]')];
  const focusItem = (index) => {
    const all = menuItems();
    all[(index + all.length) % all.length]?.focus();
  };
  const open = (index) => {
    if (openMenu && openMenu !== menu) close(openMenu, false);
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    openMenu = menu;
    focusItem(index);
  };

  button.addEventListener('click', () => (list.hidden ? open(0) : close(menu, true)));
  button.addEventListener('keydown', (key) => {
    if (key.key === 'ArrowDown' || key.key === 'ArrowUp') {
      key.preventDefault();
      open(key.key === 'ArrowDown' ? 0 : -1);
    }
  });
  list.addEventListener('keydown', (key) => {
    const all = menuItems();
    const at = all.indexOf(document.activeElement);
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 };
    if (key.key in moves) {
      key.preventDefault();
      focusItem(moves[key.key]);
    } else if (key.key === 'Escape') {
      key.preventDefault();
      close(menu, true);
    } else if (key.key === 'Tab') {
      close(menu, false);
    }
  });
  list.addEventListener('click', (click) => {
    const target = click.target.closest('[role="menuitem"]');
    if (!target) return;
    const item = items.find((entry) => entry !== 'separator' && entry.action === target.dataset.action);
    close(menu, true);
    item?.run();
  });
  return root;
}
