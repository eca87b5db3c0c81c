import { Link } from 'react-router';
import { usePageTitle } from '../layout/page_title.js';
import { PATHS } from './paths.js';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <>
      <h1>Page not found</h1>
      <p className="usa-intro">There is no page at this address.</p>
      <p>
        <Link className="usa-link" to={PATHS.home}>
          Go to the OpenRLA home page
        </Link>
      </p>
    </>
  );
}
