/**
 * Measured risk against cards audited, one line per contest, with the risk limit drawn across: drawn
 * with d3-scale and d3-shape as plain React SVG (STACK.md), and the same numbers in a table beside it
 * (the table is what screen readers and keyboard users read; the SVG is hidden from them).
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { Table } from '@trussworks/react-uswds';
import { formatCount, formatPercent } from '../../format/numbers.js';
import { maxCards, type RiskPoint, type RiskSeries } from './risk_series.js';

const WIDTH = 480;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 16, bottom: 40, left: 52 };
/** USWDS theme colours with enough contrast on white, one per contest (cycled), and a dash pattern each
 * so the lines differ without colour too. */
const COLOURS = ['#005ea2', '#b50909', '#4d8055', '#8b5e00', '#6c4c9c', '#1b1b1b'];
const DASHES = ['', '8 3', '2 3', '10 3 2 3', '4 4', '1 2'];

export function RiskChart({
  series,
  riskLimit,
}: {
  readonly series: readonly RiskSeries[];
  readonly riskLimit: number;
}) {
  const x = scaleLinear()
    .domain([0, maxCards(series)])
    .nice()
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleLinear()
    .domain([0, 1])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = line<RiskPoint>()
    .x((p) => x(p.cards))
    .y((p) => y(p.risk));
  const rows = series.flatMap((s) =>
    s.points.filter((p) => p.round > 0).map((p) => ({ ...p, contest: s.contest })),
  );

  return (
    <div className="grid-row grid-gap">
      <figure className="tablet:grid-col-7 margin-x-0" aria-hidden="true">
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="presentation">
          {y.ticks(5).map((t) => (
            <g key={`y${t}`}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} stroke="#dfe1e2" />
              <text x={MARGIN.left - 6} y={y(t)} textAnchor="end" dominantBaseline="middle" fontSize="11">
                {formatPercent(t, 0)}
              </text>
            </g>
          ))}
          {/* Cards are counted in whole numbers: no 0.2, 0.4 … ticks on a short axis. */}
          {x
            .ticks(5)
            .filter(Number.isInteger)
            .map((t) => (
              <text key={`x${t}`} x={x(t)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle" fontSize="11">
                {formatCount(t)}
              </text>
            ))}
          <text x={(MARGIN.left + WIDTH - MARGIN.right) / 2} y={HEIGHT - 6} textAnchor="middle" fontSize="12">
            Cards audited
          </text>
          <text
            transform={`translate(12 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)`}
            textAnchor="middle"
            fontSize="12"
          >
            Measured risk
          </text>
          <line
            x1={MARGIN.left}
            x2={WIDTH - MARGIN.right}
            y1={y(riskLimit)}
            y2={y(riskLimit)}
            stroke="#1b1b1b"
            strokeDasharray="6 4"
          />
          <text x={WIDTH - MARGIN.right} y={y(riskLimit) - 5} textAnchor="end" fontSize="11">
            risk limit {formatPercent(riskLimit, 4)}
          </text>
          {series.map((s, i) => (
            <g key={s.contest}>
              <path
                d={path([...s.points]) ?? ''}
                fill="none"
                stroke={COLOURS[i % COLOURS.length]}
                strokeDasharray={DASHES[i % DASHES.length] || undefined}
                strokeWidth="2.5"
              />
              {s.points.map((p) => (
                <circle
                  key={p.round}
                  cx={x(p.cards)}
                  cy={y(p.risk)}
                  r="4"
                  fill={COLOURS[i % COLOURS.length]}
                />
              ))}
            </g>
          ))}
        </svg>
        <ul className="usa-list usa-list--unstyled font-body-2xs">
          {series.map((s, i) => (
            <li key={s.contest}>
              <svg width="28" height="10" className="margin-right-1">
                <line
                  x1="0"
                  x2="28"
                  y1="5"
                  y2="5"
                  stroke={COLOURS[i % COLOURS.length]}
                  strokeDasharray={DASHES[i % DASHES.length] || undefined}
                  strokeWidth="2.5"
                />
              </svg>
              {s.contest}
            </li>
          ))}
        </ul>
      </figure>
      <div className="tablet:grid-col-5">
        <Table bordered compact fullWidth>
          <caption>Measured risk after each round</caption>
          <thead>
            <tr>
              <th scope="col">Contest</th>
              <th scope="col">Round</th>
              <th scope="col">Cards audited</th>
              <th scope="col">Measured risk</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={4}>No round has finished yet: the risk is 100% until cards are audited.</td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={`${r.contest}-${r.round}`}>
                  <th scope="row">{r.contest}</th>
                  <td className="openrla-num">{r.round}</td>
                  <td className="openrla-num">{formatCount(r.cards)}</td>
                  <td className="openrla-num">{formatRisk(r.risk)}</td>
                </tr>
              ))
            )}
          </tbody>
        </Table>
      </div>
    </div>
  );
}

/** A measured risk as a percentage with enough digits to compare with the limit (0.0123 → 1.23%). */
export function formatRisk(risk: number): string {
  if (risk > 0 && risk < 0.0001) return '< 0.01%';
  return formatPercent(risk, 2);
}
