/**
 * The first-run screen and sign-in in Chromium against the real server: the first visitor is sent to
 * the first-run screen and becomes the state administrator; a wrong password is reported in the page;
 * sign-out ends the session (the guarded page then asks to sign in); `?next=` brings the person back to
 * where they were going. axe-core finds no serious or critical problem on the forms.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStore } from '@openrla/store';
import {
  browserTestsEnabled,
  openAppInBrowser,
  TEST_AUTH,
  type AppInBrowser,
} from '../../testing/browser.js';

const enabled = browserTestsEnabled();

describe.skipIf(!enabled)('first run and sign-in in Chromium', () => {
  let app: AppInBrowser;
  beforeAll(async () => {
    app = await openAppInBrowser({ app: { store: createMemoryStore(), auth: TEST_AUTH } });
  });
  afterAll(async () => {
    await app?.close();
  });

  test('the first visitor creates the state administrator, signs out and in again', async () => {
    const { page } = app;
    await app.goto('/login');
    await page.getByRole('heading', { name: 'Set up OpenRLA' }).waitFor();
    expect(await app.seriousAccessibilityViolations()).toEqual([]);
    await app.screenshot('account-first-run');

    await page.getByRole('button', { name: /Create the administrator/ }).click();
    await page.getByRole('link', { name: 'Enter your name.' }).waitFor();

    await page.getByLabel('Your name').fill('Shirley Weber');
    await page.getByLabel('Email address').fill('state@example.gov');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: /Create the administrator/ }).click();
    await page.getByRole('heading', { name: 'State audit administration' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/state');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await app.goto('/state');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/state');
    expect(await app.seriousAccessibilityViolations()).toEqual([]);

    await page.getByLabel('Email address').fill('state@example.gov');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or the password is wrong.').waitFor();

    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'State audit administration' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/state');
    expect(app.pageErrors.filter((e) => !e.includes('401'))).toEqual([]);
  });

  test('the first-run screen is gone once an administrator exists', async () => {
    const person = await app.newPerson();
    await person.goto('/setup');
    await person.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await person.context.close();
  });
});
