/**
 * A county file upload with progress: `PUT` of the raw file (decision 0009 §5) by XMLHttpRequest,
 * because fetch reports no upload progress. The server streams the body to a temp file and imports it
 * in one transaction, so an interrupted or refused upload leaves nothing half-imported.
 */
import type { ApiError } from '../../api/request.js';
import type { Result } from '../../lib/result.js';
import { mediaTypeOf, uploadAnswerOf } from './county_logic.js';

export interface UploadProgress {
  readonly sent: number;
  readonly total: number;
}

export function uploadFile<T>(options: {
  /** The route, e.g. `/api/audits/a/jurisdictions/J/manifest`; the file name goes in `?name=`. */
  readonly path: string;
  readonly file: File;
  readonly csrfToken: string;
  readonly onProgress: (progress: UploadProgress) => void;
}): Promise<Result<T, ApiError>> {
  const { path, file, csrfToken, onProgress } = options;
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${path}?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', mediaTypeOf(file));
    xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e: ProgressEvent) =>
      onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => resolve(uploadAnswerOf<T>(xhr.status, xhr.responseText));
    xhr.onerror = () => resolve(uploadAnswerOf<T>(0, ''));
    xhr.onabort = () => resolve(uploadAnswerOf<T>(0, ''));
    xhr.send(file);
  });
}
