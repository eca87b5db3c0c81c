import { useEffect } from 'react';

/** Sets the tab's title: "<page> · OpenRLA" (screen readers announce it on navigation). */
export function usePageTitle(page: string): void {
  useEffect(() => {
    document.title = page === '' ? 'OpenRLA' : `${page} · OpenRLA`;
  }, [page]);
}
