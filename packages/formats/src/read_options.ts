/**
 * Options every reader of this package takes: the canonical `ReadOptions` plus a way to learn what the
 * export says about itself (format, software version, election name) without a new item type.
 */
import type { FormatName, ReadOptions } from './types.js';

/** What an export says about itself. */
export interface ExportInfo {
  readonly format: FormatName;
  readonly version: string | null;
  readonly electionName: string | null;
}

export interface ReaderOptions extends ReadOptions {
  /** Called once the reader has read the export's header. */
  readonly onExportInfo?: (info: ExportInfo) => void;
}
