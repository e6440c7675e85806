// WAHA_PRINT_QR (on by default, as in WAHA): a session waiting for a scan prints its QR to the
// terminal, so someone running zapd by hand can link a phone without opening the dashboard.
import QRCode from 'qrcode';

/** Each QR once per session: Baileys rotates the code about every 20 s, and each new one is printed. */
export class QrPrinter {
  private readonly printed = new Map<string, string>();

  constructor(
    private readonly enabled: boolean,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  async print(session: string, value: string): Promise<void> {
    if (!this.enabled || this.printed.get(session) === value) return;
    this.printed.set(session, value);
    const art = await QRCode.toString(value, { type: 'terminal', small: true });
    this.write(`Session '${session}' waits for a scan: WhatsApp → Linked devices → Link a device\n${art}\n`);
  }
}
