/**
 * The frame of every page: a skip link, the USWDS header with the site's name and navigation, the
 * page in <main>, and the footer. After a client-side navigation, focus moves to <main> so that
 * keyboard and screen-reader users start at the new page, as they would after a full page load.
 */
import { Footer, GridContainer, Header, NavMenuButton, PrimaryNav, Title } from '@trussworks/react-uswds';
import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { PATHS } from '../routes/paths.js';

const NAV: readonly { readonly to: string; readonly label: string }[] = [
  { to: PATHS.home, label: 'Home' },
  { to: PATHS.plan, label: 'Audit planner' },
];

export function Layout() {
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
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

  const items = NAV.map((item) => (
    <NavLink
      key={item.to}
      to={item.to}
      end
      className={({ isActive }) => `usa-nav-link${isActive ? ' usa-current' : ''}`}
    >
      <span>{item.label}</span>
    </NavLink>
  ));

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
              <Link to={PATHS.home} title="OpenRLA home" className="openrla-title">
                OpenRLA
              </Link>
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
