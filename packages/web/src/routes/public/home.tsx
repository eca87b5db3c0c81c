import { Link } from 'react-router';
import { usePageTitle } from '../../layout/page_title.js';
import { PATHS } from '../paths.js';

/** The public home page: what OpenRLA is, and what the public can do here. */
export function HomePage() {
  usePageTitle('');
  return (
    <>
      <h1>OpenRLA</h1>
      <p className="usa-intro">
        OpenRLA is open-source software for risk-limiting audits: after an election, auditors check a random
        sample of the paper ballots against the reported results until the evidence that the reported winners
        really won is strong enough. Anyone can plan an audit here and, from the published audit record, check
        every sample and risk number independently.
      </p>
      <h2>For the public</h2>
      <ul className="usa-list">
        <li>
          <Link className="usa-link" to={PATHS.audits}>
            Audits
          </Link>
          : follow an audit’s progress, download its published record, and verify every sample and risk number
          in your browser.
        </li>
        <li>
          <Link className="usa-link" to={PATHS.plan}>
            Audit planner
          </Link>
          : how many ballot cards would an audit of a contest need, for each audit method?
        </li>
      </ul>
    </>
  );
}
