/**
 * Step 1 of the county dashboard: upload the ballot manifest and the CVR export, one file each, with a
 * progress bar, and see what was imported. A refused file shows the reader's located error (file, line,
 * column) beside its input and in the page's error summary; nothing of a refused file is imported. A
 * file can be replaced by uploading another until the state administrator sets the seed; then the
 * inputs give way to a sentence saying so.
 */
import { Button, ErrorMessage, FormGroup, Label, Table } from '@trussworks/react-uswds';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { locationOf, type ApiError } from '../../api/request.js';
import { formatCount } from '../../format/numbers.js';
import type { SummaryItem } from '../../forms/error_summary.js';
import { useSignedIn } from '../../session/session.js';
import {
  countyKeys,
  jurisdictionPath,
  type CvrsUploaded,
  type ImportedFiles,
  type ManifestUploaded,
} from './county_api.js';
import { uploadFile, type UploadProgress } from './upload.js';

export const UPLOAD_INPUT_IDS = { manifest: 'manifest-file', cvrs: 'cvrs-file' } as const;

/** An upload error as one sentence with its place in the file. */
export function uploadErrorText(error: ApiError): string {
  const where = locationOf(error);
  return where ? `${where}: ${error.message}` : error.message;
}

function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${formatCount(Math.ceil(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

function UploadForm({
  what,
  auditId,
  jurisdiction,
  current,
  onProblem,
}: {
  readonly what: 'manifest' | 'cvrs';
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly current: string | null;
  readonly onProblem: (item: SummaryItem | null) => void;
}) {
  const me = useSignedIn();
  const queryClient = useQueryClient();
  const inputId = UPLOAD_INPUT_IDS[what];
  const hintId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const noun = what === 'manifest' ? 'ballot manifest' : 'CVR export';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    if (!file) {
      const message = `Choose the ${noun} file first.`;
      setError(message);
      onProblem({ inputId, message });
      return;
    }
    setError(null);
    onProblem(null);
    setProgress({ sent: 0, total: file.size });
    const answer = await uploadFile<ManifestUploaded | CvrsUploaded>({
      path: jurisdictionPath(auditId, jurisdiction, what),
      file,
      csrfToken: me.csrfToken,
      onProgress: setProgress,
    });
    setProgress(null);
    if (!answer.ok) {
      const message = `${uploadErrorText(answer.error)} Nothing from this file was imported.`;
      setError(message);
      onProblem({ inputId, message });
      return;
    }
    setDone(
      answer.value.changed
        ? `${file.name} was imported.`
        : `${file.name} is the file already imported: nothing changed.`,
    );
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: countyKeys.files(auditId) }),
      queryClient.invalidateQueries({ queryKey: countyKeys.status(auditId) }),
    ]);
  }

  const percent = progress && progress.total > 0 ? Math.floor((progress.sent / progress.total) * 100) : 0;
  return (
    <form onSubmit={submit} className="margin-bottom-4" noValidate>
      <FormGroup error={Boolean(error)}>
        <Label htmlFor={inputId} error={Boolean(error)}>
          {what === 'manifest' ? 'Ballot manifest (CSV)' : 'CVR export (CSV, ZIP, JSON or XML)'}
        </Label>
        <span className="usa-hint" id={hintId}>
          {current
            ? `Imported: ${current}. Uploading another file replaces it (until the seed is set).`
            : what === 'manifest'
              ? 'The CSV listing every batch (tabulator, batch, number of ballot cards).'
              : 'The cast vote records from your voting system. Several files: send them as one ZIP.'}
        </span>
        {error ? <ErrorMessage id={`${inputId}-error`}>{error}</ErrorMessage> : null}
        <input
          className="usa-input"
          id={inputId}
          name={inputId}
          type="file"
          aria-describedby={[error ? `${inputId}-error` : null, hintId].filter(Boolean).join(' ')}
          aria-invalid={error ? true : undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setDone(null);
          }}
        />
      </FormGroup>
      {progress ? (
        <div className="margin-top-1" role="status">
          <progress max={100} value={percent} aria-label={`Uploading the ${noun}`} /> {percent}% (
          {sizeText(progress.sent)} of {sizeText(progress.total)})
          {percent >= 100 ? ' — importing, please wait…' : ''}
        </div>
      ) : null}
      {done ? (
        <p className="text-green margin-y-1" role="status">
          {done}
        </p>
      ) : null}
      <Button type="submit" disabled={progress !== null} className="margin-top-1">
        {progress ? 'Uploading…' : `Upload the ${noun}`}
      </Button>
    </form>
  );
}

export function FilesSection({
  auditId,
  jurisdiction,
  files,
  onProblem,
}: {
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly files: ImportedFiles | undefined;
  readonly onProblem: (what: 'manifest' | 'cvrs', item: SummaryItem | null) => void;
}) {
  const m = files?.manifest ?? null;
  const v = files?.cvrs ?? null;
  return (
    <section aria-labelledby="files-heading" className="margin-top-4">
      <h2 id="files-heading">1. Ballot manifest and CVR export</h2>
      {files === undefined ? (
        <p role="status">Loading your files…</p>
      ) : files.replaceable ? (
        <>
          <UploadForm
            what="manifest"
            auditId={auditId}
            jurisdiction={jurisdiction}
            current={m?.fileName ?? null}
            onProblem={(item) => onProblem('manifest', item)}
          />
          <UploadForm
            what="cvrs"
            auditId={auditId}
            jurisdiction={jurisdiction}
            current={v?.fileName ?? null}
            onProblem={(item) => onProblem('cvrs', item)}
          />
        </>
      ) : (
        <p>The state administrator has set the seed, so your files can no longer change.</p>
      )}
      <h3>What was imported</h3>
      {m === null && v === null ? (
        <p>Nothing yet.</p>
      ) : (
        <Table bordered>
          <caption className="usa-sr-only">Imported files</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Name</th>
              <th scope="col">What it holds</th>
            </tr>
          </thead>
          <tbody>
            {m ? (
              <tr>
                <th scope="row">Ballot manifest</th>
                <td>{m.fileName}</td>
                <td>
                  {formatCount(m.cards)} ballot cards
                  {m.batches !== null ? ` in ${formatCount(m.batches)} batches` : ''}
                </td>
              </tr>
            ) : null}
            {v ? (
              <tr>
                <th scope="row">CVR export</th>
                <td>{v.fileName}</td>
                <td>
                  {formatCount(v.cvrs)} cast vote records{v.format ? ` (${v.format})` : ''}
                  {v.contests.length > 0 ? (
                    <>
                      ; contests found:
                      <ul className="usa-list margin-y-05">
                        {v.contests.map((k) => (
                          <li key={k.name}>
                            {k.name}: {formatCount(k.cards)} cards
                          </li>
                        ))}
                      </ul>
                    </>
                  ) : null}
                </td>
              </tr>
            ) : null}
          </tbody>
        </Table>
      )}
      {m && v && m.cards !== v.cvrs ? (
        <p className="usa-alert__text">
          The manifest lists {formatCount(m.cards)} cards and the export has {formatCount(v.cvrs)} records. If
          that is not expected, check that both files are from the same election and upload the right one.
        </p>
      ) : null}
    </section>
  );
}
