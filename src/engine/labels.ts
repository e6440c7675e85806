// Labels (WhatsApp Business): in WAHA's shapes.

export interface Label {
  id: string;
  name: string;
  color: number;
  colorHex: string;
}

export interface LabelEngine {
  labels(): Promise<Label[]>;
  /** Creates (no id) or updates a label. */
  saveLabel(label: { id?: string; name: string; color: number }): Promise<Label>;
  deleteLabel(id: string): Promise<void>;
  chatLabels(chatId: string): Promise<Label[]>;
  /** Makes the chat carry exactly these labels. */
  setChatLabels(chatId: string, labelIds: string[]): Promise<void>;
  labelChats(labelId: string): Promise<string[]>;
}

/** WhatsApp's twenty label colours, by index. */
export const LABEL_COLORS = [
  '#ff9485', '#64c4ff', '#ffd429', '#dfaef0', '#99b6c1', '#55ccb3', '#ff9dff', '#d3a91d', '#6d7cce', '#d7e752',
  '#00d0e2', '#ffc5c7', '#93ceac', '#f74848', '#00a0f2', '#83e422', '#ffaf04', '#b5ebff', '#9ba6ff', '#9368cf',
];

export function colorHex(color: number): string {
  return LABEL_COLORS[color] ?? LABEL_COLORS[0] ?? '#ff9485';
}
