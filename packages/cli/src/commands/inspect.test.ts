import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readEss, readHart, readNistCdf, readRaire, type ReaderItem } from '@openrla/formats';
import { describe, expect, it, vi } from 'vitest';
import { inspectPaths, register } from './inspect.js';

const fx = (p: string) => fileURLToPath(new URL(`../../../../../shared/fixtures/${p}`, import.meta.url));

describe('openrla inspect', () => {
  it('flags the batch whose CVR count differs from the manifest (Arlo TEST_CVRS: one card missing, SOURCE.md)', async () => {
    const r = await inspectPaths([
      fx('vendor-format-samples-arlo/dominion/TEST_CVRS.csv'),
      fx('vendor-format-samples-arlo/manifests/dominion_test_manifest.csv'),
    ]);
    expect(r.errors).toEqual([]);
    expect(r.files.map((f) => f.format)).toEqual(['dominion-csv', 'manifest-arlo']);
    expect(r.batches.filter((b) => b.differs)).toMatchObject([{ tabulator: 'TABULATOR2', batch: 'BATCH2' }]);
    expect(r.files[0]!.sha256[0]).toMatch(/^[0-9a-f]{64}$/);
  });
  it('prints JSON with IRV results for a Dominion JSON folder', async () => {
    const out: string[] = [];
    const spy = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync([
      'node',
      'openrla',
      'inspect',
      '--json',
      fx('dominion-json-sf2020/rctab-multi-file'),
    ]);
    spy.mockRestore();
    const report = JSON.parse(out.join('')) as {
      cards: number;
      contests: { ranked: boolean; irv?: { winner: string | null } }[];
      files: { format: string }[];
    };
    expect(report.files[0]!.format).toBe('dominion-json');
    expect(report.contests.some((c) => c.ranked && c.irv?.winner)).toBe(true);
  });

  /** Runs `openrla inspect --json PATH` and returns the parsed report. */
  async function inspectJson(p: string): Promise<{
    cards: number;
    errors: unknown[];
    contests: { contest: string; ranked: boolean; irv?: { winner: string | null } }[];
    files: { format: string; sha256: string[] }[];
  }> {
    const out: string[] = [];
    const spy = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'openrla', 'inspect', '--json', p]);
    } finally {
      spy.mockRestore();
    }
    return JSON.parse(out.join('')) as never;
  }

  async function cardsOf(
    items: AsyncIterable<ReaderItem | { type: 'ranking'; ranking: { count: number } }>,
  ): Promise<number> {
    let n = 0;
    for await (const i of items) {
      if (i.type === 'cvr') n++;
      else if (i.type === 'ranking') n += i.ranking.count;
    }
    return n;
  }

  const files = (dir: string, re: RegExp) =>
    readdirSync(fx(dir))
      .filter((f) => re.test(f))
      .sort()
      .map((f) => path.join(fx(dir), f));
  const cases: { dir: string; format: string; cards: () => Promise<number> }[] = [
    {
      dir: 'hart-xml-cvr/rctab-hart_cvr_archive',
      format: 'hart',
      cards: () => cardsOf(readHart({ files: files('hart-xml-cvr/rctab-hart_cvr_archive', /\.xml$/) })),
    },
    {
      dir: 'vendor-format-samples-arlo/ess',
      format: 'ess',
      cards: async () =>
        (await cardsOf(readEss({ files: files('vendor-format-samples-arlo/ess', /^ESS_CVR\.csv$/) }))) +
        (await cardsOf(readEss({ files: files('vendor-format-samples-arlo/ess', /^ESS_CVR_WITH/) }))),
    },
    {
      dir: 'nist-cdf-cvr/rctab-test_set_8_multi_cdf',
      format: 'nist-cdf-json',
      cards: () =>
        cardsOf(readNistCdf({ files: files('nist-cdf-cvr/rctab-test_set_8_multi_cdf', /_cvr_\d\.json$/) })),
    },
    {
      dir: 'nist-cdf-cvr/rctab-nist_xml_cdf_2',
      format: 'nist-cdf-xml',
      cards: () => cardsOf(readNistCdf({ files: files('nist-cdf-cvr/rctab-nist_xml_cdf_2', /\.xml$/) })),
    },
    {
      dir: 'irv-raire-nsw2021/guide-examples/example_input',
      format: 'raire-json',
      cards: async () => {
        let n = 0;
        for (const f of files('irv-raire-nsw2021/guide-examples/example_input', /\.json$/))
          n += await cardsOf(readRaire({ source: f }));
        return n;
      },
    },
    {
      dir: 'irv-raire-us-classic/shangrla',
      format: 'raire',
      cards: async () => {
        let n = 0;
        for (const f of files('irv-raire-us-classic/shangrla', /\.raire$/))
          n += await cardsOf(readRaire({ source: f }));
        return n;
      },
    },
  ];
  for (const c of cases) {
    it(`inspects ${c.dir} (${c.format}) as JSON: every card its reader reads, no errors`, async () => {
      const report = await inspectJson(fx(c.dir));
      expect(report.errors).toEqual([]);
      expect(report.files[0]!.format).toBe(c.format);
      expect(report.files[0]!.sha256.length).toBeGreaterThan(0);
      expect(report.cards).toBe(await c.cards());
      expect(report.cards).toBeGreaterThan(0);
      expect(report.contests.length).toBeGreaterThan(0);
      if (c.format.startsWith('raire'))
        expect(report.contests.every((k) => k.ranked && k.irv !== undefined)).toBe(true);
    });
  }
});
