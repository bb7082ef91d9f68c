/**
 * How AgeLab starts Debian's Chromium headless (tests, the browser benchmark, sweep charts):
 * one place for the flags, because without the background-networking ones Chromium keeps
 * trying to reach Google's hosts, which this project's machines cannot.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
