/** A bind address as a browser reaches it: the wildcard addresses mean this machine. */
export function browsable(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
