/**
 * The audit session under concurrent callers (decision 0014): calls on one audit run one at a time and
 * queued single commands share one append, each executed against the state the earlier ones left; a
 * refused one is answered alone; a call of several commands stays all or none. The kept fold always
 * equals a fresh fold of the stored log, and nothing unsaved is ever visible.
 */
import { describe, expect, it } from 'vitest';
import { fold, type Command, type CommandContext } from '@openrla/audit';
import { createMemoryStore } from '@openrla/store';
import { auditEventOf, createAuditLog, loadAudit, runCommand, runCommands } from './audit_session.js';

const context: CommandContext = { author: 'test', now: () => '2026-11-22T00:00:00.000Z' };
const J = ['North', 'South'];

function board(jurisdiction: string, name: string): Command {
  return { type: 'board.create', jurisdiction, board: name, members: ['Ann'] };
}

describe('runCommands with many callers at once', () => {
  it('appends every accepted command once, refuses duplicates alone, keeps batches all or none', async () => {
    const store = createMemoryStore();
    const auditId = 'a';
    expect((await createAuditLog({ store, auditId })).ok).toBe(true);
    const defined = await runCommand({
      store,
      auditId,
      context,
      command: {
        type: 'audit.define',
        definition: {
          name: 'A',
          riskLimit: 0.1,
          jurisdictions: J,
          contests: [
            {
              name: 'C',
              role: 'targeted',
              type: 'plurality',
              method: 'alpha-polling',
              jurisdictions: J,
              numWinners: 1,
              tallies: { Ann: 60, Bo: 40 },
            },
          ],
        },
      },
    });
    if (!defined.ok) throw new Error(JSON.stringify(defined.error));
    // 60 single calls (30 boards in each jurisdiction) and, among them, two batches: one valid, one
    // whose second command is refused (so its first must not be appended either).
    const singles = Array.from({ length: 60 }, (_, i) =>
      runCommand({ store, auditId, context, command: board(J[i % 2]!, `b${Math.floor(i / 2) % 30}`) }),
    );
    const good = runCommands({
      store,
      auditId,
      context,
      commands: [board('North', 'x1'), board('North', 'x2')],
    });
    const bad = runCommands({
      store,
      auditId,
      context,
      commands: [board('North', 'y1'), board('East', 'y2')],
    });
    const answers = await Promise.all(singles);
    const [goodAnswer, badAnswer] = await Promise.all([good, bad]);

    const accepted = answers.filter((a) => a.ok);
    const refused = answers.filter((a) => !a.ok);
    expect(accepted.length).toBe(60);
    expect(refused.length).toBe(0);
    // A new board asked for ten times at once: one group, each executed against the state the earlier
    // ones left, so one is created and nine are refused.
    const again = await Promise.all(
      Array.from({ length: 10 }, () =>
        runCommand({ store, auditId, context, command: board('South', 'new') }),
      ),
    );
    expect(again.map((a) => (a.ok ? 'ok' : a.error.kind)).sort()).toEqual([
      ...Array<string>(9).fill('board.exists'),
      'ok',
    ]);
    expect(goodAnswer.ok).toBe(true);
    expect(badAnswer).toMatchObject({ ok: false, error: { kind: 'board.unknown-jurisdiction', index: 1 } });

    const stored = [];
    for await (const e of store.readEvents({ auditId })) stored.push(e);
    const created = stored.filter((e) => e.type === 'board.created').map((e) => JSON.stringify(e.payload));
    expect(created.length).toBe(63);
    expect(new Set(created).size).toBe(63);
    expect(created.some((p) => p.includes('"y1"'))).toBe(false);
    // The kept fold is the fold of the stored log.
    const loaded = await loadAudit({ store, auditId });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.headSeq).toBe(stored.length);
    expect(loaded.value.state).toEqual(fold(stored.map(auditEventOf)));
  });
});
