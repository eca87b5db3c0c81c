export {};
export * from './read_public.js';
export {
  readHart,
  hartCardToCvr,
  HART_NAMESPACE,
  HART_WRITE_IN,
  type HartInput,
  type HartReadOptions,
} from './hart.js';
export { readHartScannedBallots, type HartScannedBallot, type HartScannedItem } from './hart-scanned.js';
export { readNistCdf, type NistInput, type NistReadOptions } from './nist.js';
export { readRaire, readRaireJson, readRaireText, type RaireItem, type RaireReadOptions } from './raire.js';
export { readEss, splitTabulatorCvr, type EssInput, type EssReadOptions } from './ess.js';
export { walkZip, type WalkZipOptions, type ZipItem } from './zip.js';
export { createXmlCollector, type XmlCollector, type XmlElement, type XmlEvent } from './xml.js';
export { streamJson, type JsonStreamItem, type JsonStreamOptions } from './nist-json-stream.js';
export * from './dominion_public.js';
