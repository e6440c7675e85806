// Reads a page's title, description and image from its <head> as it streams in, with a real HTML
// tokenizer (htmlparser2): linear in the input, where regular expressions over a hostile body such as
// "<title>" repeated a million times backtracked for minutes on the event loop. Only the first <title>
// and the first of each <meta> name count, their text is capped, and the summary is complete once
// </head> or <body> is seen, so the caller can stop reading there.
import { Parser } from 'htmlparser2';

export interface PageSummary {
  title?: string;
  description?: string;
  imageUrl?: string;
}

/** Longer titles and descriptions are cut; WhatsApp shows a line or two anyway. */
const MAX_TEXT_CHARS = 1_000;
/** Image URLs are kept whole up to this, and dropped beyond it rather than cut into a wrong URL. */
const MAX_URL_CHARS = 4_000;

const tidy = (text: string): string => text.slice(0, MAX_TEXT_CHARS * 4).replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT_CHARS);

export class PageSummarizer {
  /** True once the head is over: nothing later in the page changes the summary. */
  done = false;
  private readonly meta = new Map<string, string>();
  private title = '';
  private inTitle = false;
  private titleSeen = false;
  private readonly parser: Parser;

  constructor() {
    this.parser = new Parser(
      {
        onopentag: (name, attributes) => {
          if (name === 'body') return this.finishHead();
          if (name === 'title' && !this.titleSeen) this.inTitle = true;
          if (name !== 'meta') return;
          const key = (attributes.property ?? attributes.name ?? '').toLowerCase();
          const content = attributes.content;
          if (key && content !== undefined && !this.meta.has(key)) this.meta.set(key, content.slice(0, MAX_URL_CHARS + 1));
        },
        ontext: (text) => {
          if (this.inTitle && this.title.length < MAX_TEXT_CHARS * 4) this.title += text;
        },
        onclosetag: (name) => {
          if (name === 'title' && this.inTitle) {
            this.inTitle = false;
            this.titleSeen = true;
          }
          if (name === 'head') this.finishHead();
        },
      },
      { decodeEntities: true },
    );
  }

  private finishHead(): void {
    this.done = true;
    // Stops the tokenizer mid-chunk: the rest of the page is never looked at.
    this.parser.pause();
  }

  write(text: string): void {
    if (!this.done) this.parser.write(text);
  }

  summary(): PageSummary {
    if (!this.done) this.parser.end();
    const meta = (name: string): string | undefined => {
      const value = this.meta.get(name);
      return value ? tidy(value) || undefined : undefined;
    };
    const titleTag = tidy(this.title) || undefined;
    const title = meta('og:title') ?? meta('twitter:title') ?? titleTag;
    const description = meta('og:description') ?? meta('twitter:description') ?? meta('description');
    const image = [this.meta.get('og:image'), this.meta.get('og:image:url'), this.meta.get('twitter:image')].find(Boolean)?.trim();
    const imageUrl = image && image.length <= MAX_URL_CHARS ? image : undefined;
    return { ...(title ? { title } : {}), ...(description ? { description } : {}), ...(imageUrl ? { imageUrl } : {}) };
  }
}

/** The summary of a whole page already in memory. */
export function summarizePage(html: string): PageSummary {
  const summarizer = new PageSummarizer();
  summarizer.write(html);
  return summarizer.summary();
}
