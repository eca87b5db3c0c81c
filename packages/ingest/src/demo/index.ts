/** The demo election shipped with OpenRLA (`openrla demo DIR`): generated from a seed; see demo_election.ts. */
export {
  demoElection,
  demoSlug,
  dominionCsv,
  manifestCsv,
  paperCsv,
  DEMO_CEREMONY_SEED,
  DEMO_CONTESTS,
  DEMO_DEFAULT_SEED,
  DEMO_ELECTION_NAME,
  DEMO_RISK_LIMIT,
  PAPER_BLANK,
  PAPER_NOT_ON_CARD,
  PAPER_OVERVOTE,
  type DemoBatch,
  type DemoCard,
  type DemoContest,
  type DemoDiscrepancy,
  type DemoElection,
  type DemoFile,
  type DemoJurisdiction,
  type DemoTally,
} from './demo_election.js';
export { readDemoPaper, paperReading, paperKey, type PaperCard } from './paper.js';
export { writeDemoElection, type WrittenDemo } from './write_demo.js';
