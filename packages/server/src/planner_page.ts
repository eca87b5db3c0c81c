/**
 * The public audit planner: a plain, accessible page over `POST /api/calc`. It works without a build
 * step so that `npm start` serves it on any machine; the full web app (packages/web) will replace it.
 */
export function plannerPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenRLA audit planner</title>
<style>
  body { font-family: "Source Sans Pro", system-ui, sans-serif; font-size: 1.1rem; line-height: 1.5;
         max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem; color: #1b1b1b; }
  h1 { font-size: 2rem; margin-bottom: .25rem; }
  p.lead { margin-top: 0; color: #454545; }
  fieldset { border: 1px solid #a9aeb1; padding: 1rem; margin: 1rem 0; }
  label { display: block; font-weight: 600; margin-top: .5rem; }
  input, select, textarea { font: inherit; padding: .3rem .5rem; border: 1px solid #565c65; }
  textarea { width: 100%; min-height: 7rem; }
  button { font: inherit; background: #005ea2; color: #fff; border: 0; padding: .6rem 1.4rem;
           margin-top: 1rem; cursor: pointer; }
  button:focus, input:focus, select:focus, textarea:focus { outline: .25rem solid #2491ff; outline-offset: 0; }
  table { border-collapse: collapse; margin-top: 1rem; width: 100%; }
  th, td { border: 1px solid #a9aeb1; padding: .4rem .6rem; text-align: left; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .error { color: #b50909; font-weight: 600; }
  .hint { color: #565c65; font-size: .95rem; }
</style>
</head>
<body>
<main>
<h1>Audit planner</h1>
<p class="lead">How many ballot cards would a risk-limiting audit of this contest look at, if the reported
results are right? Enter the reported results; OpenRLA answers with each method's first-round size.</p>
<form id="planner">
  <fieldset>
    <legend>Reported results</legend>
    <label for="tallies">Votes per choice, one per line (<span class="hint">name, votes</span>)</label>
    <textarea id="tallies" name="tallies" required>Alice, 5500
Bob, 4300</textarea>
    <label for="ballots">Ballot cards cast in the contest's jurisdictions (N)</label>
    <input id="ballots" name="ballots" type="number" min="1" step="1" value="10000" required>
    <label for="numWinners">Number of winners</label>
    <input id="numWinners" name="numWinners" type="number" min="1" step="1" value="1" required>
  </fieldset>
  <fieldset>
    <legend>Audit</legend>
    <label for="riskLimit">Risk limit (%)</label>
    <input id="riskLimit" name="riskLimit" type="number" min="1" max="50" step="any" value="5" required>
  </fieldset>
  <button type="submit">Plan the audit</button>
</form>
<div id="status" role="status" aria-live="polite"></div>
<div id="results"></div>
<p class="hint">The same answers come from <code>openrla calc</code> and <code>POST /api/calc</code>
(JSON, see the calculator contract). Simulated sizes are the 90th percentile of 1,000 seeded simulated audits.</p>
</main>
<script type="module">
const form = document.getElementById('planner');
const status = document.getElementById('status');
const results = document.getElementById('results');
function readContest() {
  const tallies = {};
  const lines = form.tallies.value.split('\\n').map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const at = line.lastIndexOf(',');
    const name = at < 0 ? '' : line.slice(0, at).trim();
    const votes = at < 0 ? NaN : Number(line.slice(at + 1).trim().replace(/[ _]/g, ''));
    if (!name || !Number.isInteger(votes)) throw new Error('Line ' + (i + 1) + ' of the votes: write "name, votes".');
    tallies[name] = votes;
  }
  return { ballots: Number(form.ballots.value), tallies, numWinners: Number(form.numWinners.value) };
}
async function ask(request) {
  const response = await fetch('/api/calc', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request) });
  return response.json();
}
function cell(text, numeric) {
  const td = document.createElement('td');
  td.textContent = text;
  if (numeric) td.className = 'num';
  return td;
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  results.replaceChildren();
  let contest;
  try { contest = readContest(); } catch (e) { status.innerHTML = ''; status.append(Object.assign(document.createElement('p'), { className: 'error', textContent: e.message })); return; }
  const riskLimit = Number(form.riskLimit.value) / 100;
  status.textContent = 'Computing…';
  const rows = [
    ['Ballot comparison, Kaplan–Markov (Colorado, Arlo)', { method: 'kaplan-markov' }, (a) => a.sampleSize],
    ['Ballot comparison, ALPHA with the optimal bet (SHANGRLA)', { method: 'alpha-comparison' }, (a) => a.sampleSize],
    ['Ballot polling, BRAVO: expected (ASN)', { method: 'bravo' }, (a) => a.asn],
    ['Ballot polling, BRAVO: 90% chance to finish in one round', { method: 'bravo' }, (a) => a.byProbability && a.byProbability['0.9']],
    ['Ballot polling, ALPHA shrink-trunc (without replacement)', { method: 'alpha-polling' }, (a) => a.sampleSize],
  ];
  const answers = await Promise.all(rows.map(([, r]) => ask({ op: 'sample-size', riskLimit, contest, ...r })));
  const firstError = answers.find((a) => a.error);
  if (firstError) {
    status.innerHTML = '';
    status.append(Object.assign(document.createElement('p'), { className: 'error',
      textContent: firstError.error.field + ': ' + firstError.error.message }));
    return;
  }
  status.textContent = answers[0].fullHandCount && answers[0].sampleSize === contest.ballots
    ? 'A reported tie or a margin this small calls for a full hand count.' : 'Done.';
  const table = document.createElement('table');
  const caption = table.createCaption();
  caption.textContent = 'Ballot cards to audit at a ' + form.riskLimit.value + '% risk limit';
  const head = table.createTHead().insertRow();
  for (const h of ['Method', 'Cards']) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; head.append(th); }
  const body = table.createTBody();
  rows.forEach(([label, , pick], i) => {
    const tr = body.insertRow();
    const th = document.createElement('th'); th.scope = 'row'; th.textContent = label; tr.append(th);
    const value = pick(answers[i]);
    tr.append(cell(value === null || value === undefined ? '—' : value.toLocaleString('en-US'), true));
  });
  results.append(table);
});
</script>
</body>
</html>`;
}
