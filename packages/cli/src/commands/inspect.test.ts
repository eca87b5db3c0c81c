import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { inspectPaths, register } from './inspect.js';

const fx = (p: string) => fileURLToPath(new URL(`../../../../../shared/fixtures/${p}`, import.meta.url));

describe('openrla inspect', () => {
  it('flags the batch whose CVR count differs from the manifest (Arlo TEST_CVRS: one card missing, SOURCE.md)', async () => {
    const r = await inspectPaths([fx('vendor-format-samples-arlo/dominion/TEST_CVRS.csv'), fx('vendor-format-samples-arlo/manifests/dominion_test_manifest.csv')]);
    expect(r.errors).toEqual([]);
    expect(r.files.map((f) => f.format)).toEqual(['dominion-csv', 'manifest-arlo']);
    expect(r.batches.filter((b) => b.differs)).toMatchObject([{ tabulator: 'TABULATOR2', batch: 'BATCH2' }]);
    expect(r.files[0]!.sha256[0]).toMatch(/^[0-9a-f]{64}$/);
  });
  it('prints JSON with IRV results for a Dominion JSON folder', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync(['node', 'openrla', 'inspect', '--json', fx('dominion-json-sf2020/rctab-multi-file')]);
    spy.mockRestore();
    const report = JSON.parse(out.join('')) as { cards: number; contests: { ranked: boolean; irv?: { winner: string | null } }[]; files: { format: string }[] };
    expect(report.files[0]!.format).toBe('dominion-json');
    expect(report.contests.some((c) => c.ranked && c.irv?.winner)).toBe(true);
  });
});
