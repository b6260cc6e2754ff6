/**
 * Where a browser reaches an API bound at host:port, when WARDEN_CONSOLE_URL does not say: the wildcard
 * addresses mean this machine.
 */
export function defaultConsoleUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}
