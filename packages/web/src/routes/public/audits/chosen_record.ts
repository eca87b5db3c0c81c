/**
 * A record chosen from the person's own computer (a folder, or its files picked together): which chosen
 * file is record.json, which is events.jsonl and which are the county files (named by SHA-256 under
 * files/). Pure, so the verify page and its test agree on the layout `openrla audit verify` reads.
 */

/** What the page needs of a chosen file: its name and, for a folder, its path inside the folder. */
export interface ChosenFile {
  readonly name: string;
  readonly webkitRelativePath?: string;
}

export interface ChosenRecord<F> {
  readonly recordJson: F | null;
  readonly events: F | null;
  /** County files by SHA-256 (their name). */
  readonly files: ReadonlyMap<string, F>;
}

/** Sorts chosen files into the record's parts; files of other names are left out. */
export function chosenRecord<F extends ChosenFile>(chosen: readonly F[]): ChosenRecord<F> {
  let recordJson: F | null = null;
  let events: F | null = null;
  const files = new Map<string, F>();
  for (const f of chosen) {
    const parts = (f.webkitRelativePath || f.name).split('/');
    const depth = parts.length;
    if (f.name === 'record.json' && (recordJson === null || depth < pathDepth(recordJson))) recordJson = f;
    else if (f.name === 'events.jsonl' && (events === null || depth < pathDepth(events))) events = f;
    else if (/^[0-9a-f]{64}$/.test(f.name)) files.set(f.name, f);
  }
  return { recordJson, events, files };
}

function pathDepth(f: ChosenFile): number {
  return (f.webkitRelativePath || f.name).split('/').length;
}
