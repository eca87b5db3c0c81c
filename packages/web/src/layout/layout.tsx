/**
 * The frame of every page: a skip link, the USWDS header with the site's name and navigation, the
 * page in <main>, and the footer. After a client-side navigation, focus moves to <main> so that
 * keyboard and screen-reader users start at the new page, as they would after a full page load.
 */
import {
  Button,
  Footer,
  GridContainer,
  Header,
  NavMenuButton,
  PrimaryNav,
  Title,
} from '@trussworks/react-uswds';
import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { PATHS } from '../routes/paths.js';
import { homeOf, roleName, useSession, type Role } from '../session/session.js';

interface NavItem {
  readonly to: string;
  readonly label: string;
}

const PUBLIC_NAV: readonly NavItem[] = [
  { to: PATHS.home, label: 'Home' },
  { to: PATHS.audits, label: 'Audits' },
  { to: PATHS.plan, label: 'Audit planner' },
];

const ROLE_NAV: Record<Role, NavItem> = {
  'state-admin': { to: PATHS.state, label: 'State administration' },
  'jurisdiction-admin': { to: PATHS.county, label: 'Jurisdiction' },
  'audit-board': { to: PATHS.board, label: 'Audit board' },
};

/** The navigation for who is signed in: the public pages, their own start page, and sign in/out. */
function navFor(role: Role | null): readonly NavItem[] {
  if (role === null) return [...PUBLIC_NAV, { to: PATHS.login, label: 'Sign in' }];
  return [...PUBLIC_NAV, ROLE_NAV[role]];
}

export function Layout() {
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const session = useSession();
  const role = session.me?.principal.role ?? null;
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  const items = navFor(role).map((item) => (
    <NavLink
      key={item.to}
      to={item.to}
      end={item.to === PATHS.home}
      className={({ isActive }) => `usa-nav-link${isActive ? ' usa-current' : ''}`}
    >
      <span>{item.label}</span>
    </NavLink>
  ));
  if (role !== null)
    items.push(
      <Button
        key="sign-out"
        type="button"
        unstyled
        className="usa-nav-link"
        onClick={() => {
          void session.signOut().then(() => navigate(PATHS.home));
        }}
      >
        <span>Sign out</span>
      </Button>,
    );

  return (
    <>
      <a className="usa-skipnav" href="#main-content">
        Skip to main content
      </a>
      <div className={`usa-overlay${menuOpen ? ' is-visible' : ''}`} />
      <Header basic showMobileOverlay={menuOpen}>
        <div className="usa-nav-container">
          <div className="usa-navbar">
            <Title>
              <Link to={role ? homeOf(role) : PATHS.home} title="OpenRLA home" className="openrla-title">
                OpenRLA
              </Link>
              {role ? <span className="usa-sr-only"> (signed in as {roleName(role)})</span> : null}
            </Title>
            <NavMenuButton onClick={() => setMenuOpen((open) => !open)} label="Menu" />
          </div>
          <PrimaryNav
            aria-label="Primary"
            items={items}
            mobileExpanded={menuOpen}
            onToggleMobileNav={() => setMenuOpen((open) => !open)}
          />
        </div>
      </Header>
      <main id="main-content" ref={main} tabIndex={-1} className="openrla-main">
        <GridContainer>
          <Outlet />
        </GridContainer>
      </main>
      <Footer
        size="slim"
        primary={null}
        secondary={
          <p className="margin-0">
            OpenRLA is open-source software for risk-limiting audits of elections, under the Apache License
            2.0.
          </p>
        }
      />
    </>
  );
}
