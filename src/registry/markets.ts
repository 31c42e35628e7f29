/** EU member states, ISO 3166-1 alpha-2 (Greece is GR, not the EU's own "EL"). */
// prettier-ignore
export const EU_COUNTRIES: readonly string[] = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
];

/** The European Economic Area: the EU plus Iceland, Liechtenstein and Norway. */
export const EEA_COUNTRIES: readonly string[] = [...EU_COUNTRIES, 'IS', 'LI', 'NO'];

const REGIONS: Readonly<Record<string, readonly string[]>> = {
  EU: EU_COUNTRIES,
  EEA: EEA_COUNTRIES,
};

export const MARKET_CODE_MESSAGE =
  'must be an ISO 3166-1 alpha-2 country code such as NL, or EU or EEA';

/** A market is a country (two capital letters) or one of the regions EU and EEA. */
export function isMarketCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) || Object.hasOwn(REGIONS, code);
}

/** The countries the markets cover, without duplicates, sorted. */
export function expandMarkets(codes: readonly string[]): string[] {
  const countries = new Set<string>();
  for (const code of codes) {
    for (const country of REGIONS[code] ?? [code]) countries.add(country);
  }
  return [...countries].sort();
}

/** True when a site in `country` is inside one of the markets (a site in NL is in NL, EU and EEA). */
export function marketCovers(markets: readonly string[], country: string): boolean {
  return markets.some((code) => (REGIONS[code] ?? [code]).includes(country));
}
