import * as fc from 'fast-check';
import { isPredefinedLength } from './application-identifiers';
import { gs1CheckDigit } from './check-digit';
import { GS } from './element-string';
import { Gs1ParseResult, parseGs1 } from './parse-gs1';

type Element = readonly [ai: string, value: string];

interface UnitCase {
  now: Date;
  gtin: string;
  lot: string | undefined;
  serial: string | undefined;
  expiry: { yymmdd: string; iso: string } | undefined;
  order: number[];
}

const CSET82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
const SYMBOLOGY_PREFIXES = ['', ']d2', ']C1', ']Q3', ']e0', GS, `]d2${GS}`];
const HOSTS = ['https://id.gs1.org', 'http://example.com/some/prefix', 'HTTPS://BRAND.EXAMPLE.COM'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const digits = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
const withCheckDigit = (body: string) => body + gs1CheckDigit(body);

const gtinArb = digits(13).map(withCheckDigit);
const ssccArb = digits(17).map(withCheckDigit);
const gs1TextArb = fc.string({ unit: fc.constantFrom(...CSET82), minLength: 1, maxLength: 20 });
const nowArb = fc.date({
  min: new Date(Date.UTC(1960, 0, 1)),
  max: new Date(Date.UTC(2200, 0, 1)),
  noInvalidDate: true,
});

// Built from the Date API rather than the parser's own calendar code.
function expiryFor(now: Date, offset: number, month: number, dayPick: number) {
  const year = now.getUTCFullYear() + offset;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = dayPick % (lastDay + 1);
  const yymmdd = `${pad(year % 100)}${pad(month)}${pad(day)}`;
  return { yymmdd, iso: `${year}-${pad(month)}-${pad(day === 0 ? lastDay : day)}` };
}

const unitArb: fc.Arbitrary<UnitCase> = fc
  .record({
    now: nowArb,
    gtin: gtinArb,
    lot: fc.option(gs1TextArb, { nil: undefined }),
    serial: fc.option(gs1TextArb, { nil: undefined }),
    date: fc.option(
      fc.tuple(fc.integer({ min: -49, max: 50 }), fc.integer({ min: 1, max: 12 }), fc.nat(31)),
      { nil: undefined },
    ),
    order: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  })
  .map(({ date, ...rest }) => ({
    ...rest,
    expiry: date === undefined ? undefined : expiryFor(rest.now, ...date),
  }));

function unitElements(unit: UnitCase): Element[] {
  const elements: Array<Element | undefined> = [
    ['01', unit.gtin],
    unit.expiry && ['17', unit.expiry.yymmdd],
    unit.lot === undefined ? undefined : ['10', unit.lot],
    unit.serial === undefined ? undefined : ['21', unit.serial],
  ];
  return elements
    .map((element, i) => ({ element, key: unit.order[i] }))
    .sort((a, b) => a.key - b.key)
    .flatMap(({ element }) => (element ? [element] : []));
}

function bracketed(elements: readonly Element[]): string {
  return elements.map(([ai, value]) => `(${ai})${value.replaceAll('(', '\\(')}`).join('');
}

function raw(elements: readonly Element[], prefix: string): string {
  const last = elements.length - 1;
  const fields = elements.map(([ai, value], i) =>
    i < last && !isPredefinedLength(ai) ? `${ai}${value}${GS}` : `${ai}${value}`,
  );
  return prefix + fields.join('');
}

function shortGtin(gtin: string, length: number): string {
  const dropped = gtin.slice(0, 14 - length);
  return /^0*$/.test(dropped) ? gtin.slice(14 - length) : gtin;
}

function digitalLinks(unit: UnitCase): string[] {
  const enc = encodeURIComponent;
  const qualifiers: Element[] = [];
  if (unit.lot !== undefined) qualifiers.push(['10', unit.lot]);
  if (unit.serial !== undefined) qualifiers.push(['21', unit.serial]);
  const query = unit.expiry ? [`17=${unit.expiry.yymmdd}`] : [];
  const inPath = qualifiers.map(([ai, value]) => `/${ai}/${enc(value)}`).join('');
  const inQuery = qualifiers.map(([ai, value]) => `${ai}=${enc(value)}`);
  return HOSTS.flatMap((host, i) => {
    const key = `${host}/01/${shortGtin(unit.gtin, [8, 12, 13][i])}`;
    return [
      `${key}${inPath}?${[...query, 'linkType=all'].join('&')}`,
      `${key}?${[...inQuery, ...query].join('&')}`,
    ];
  });
}

function everyForm(unit: UnitCase): string[] {
  const elements = unitElements(unit);
  return [
    bracketed(elements),
    ...SYMBOLOGY_PREFIXES.map((prefix) => raw(elements, prefix)),
    ...digitalLinks(unit),
  ];
}

function expectedUnit(unit: UnitCase): Gs1ParseResult {
  const ais: Record<string, string> = Object.fromEntries(unitElements(unit));
  return {
    ok: true,
    kind: 'unit',
    gtin: unit.gtin,
    ais,
    ...(unit.lot === undefined ? {} : { lot: unit.lot }),
    ...(unit.serial === undefined ? {} : { serial: unit.serial }),
    ...(unit.expiry === undefined ? {} : { expiry: unit.expiry.iso }),
  };
}

function changeOneDigit(value: string, index: number, delta: number): string {
  const changed = (Number(value[index]) + delta) % 10;
  return value.slice(0, index) + changed + value.slice(index + 1);
}

function expectRefused(result: Gs1ParseResult): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
}

describe('parseGs1 properties', () => {
  it('reads the same unit back from every form it can be written in', () => {
    fc.assert(
      fc.property(unitArb, (unit) => {
        const expected = expectedUnit(unit);
        for (const code of everyForm(unit)) {
          expect({ code, result: parseGs1(code, unit.now) }).toEqual({ code, result: expected });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same SSCC back from every form', () => {
    fc.assert(
      fc.property(ssccArb, nowArb, (sscc, now) => {
        const forms = [
          `(00)${sscc}`,
          ...SYMBOLOGY_PREFIXES.map((prefix) => `${prefix}00${sscc}`),
          `https://id.gs1.org/00/${sscc}`,
          sscc,
        ];
        for (const code of forms) {
          expect(parseGs1(code, now)).toEqual({
            ok: true,
            kind: 'pallet',
            sscc,
            ais: { '00': sscc },
          });
        }
      }),
    );
  });

  it('refuses a GTIN with any one digit changed, in any form', () => {
    fc.assert(
      fc.property(unitArb, fc.nat(13), fc.integer({ min: 1, max: 9 }), (unit, index, delta) => {
        const broken = { ...unit, gtin: changeOneDigit(unit.gtin, index, delta) };
        for (const code of [...everyForm(broken), broken.gtin]) {
          const result = parseGs1(code, unit.now);
          expectRefused(result);
          expect(!result.ok && result.error).toContain(
            `GTIN ${broken.gtin} has a wrong check digit`,
          );
        }
      }),
    );
  });

  it('refuses an SSCC with any one digit changed', () => {
    fc.assert(
      fc.property(ssccArb, fc.nat(17), fc.integer({ min: 1, max: 9 }), (sscc, index, delta) => {
        const broken = changeOneDigit(sscc, index, delta);
        for (const code of [`(00)${broken}`, `00${broken}`, broken, `/00/${broken}`]) {
          const result = parseGs1(code, new Date());
          expect(!result.ok && result.error).toContain(`SSCC ${broken} has a wrong check digit`);
        }
      }),
    );
  });

  it.each([
    ['printable ASCII', fc.string()],
    ['any Unicode', fc.string({ unit: 'binary' })],
    ['graphemes', fc.string({ unit: 'grapheme' })],
    ['UTF-16 code units', fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)) })],
    ['long strings', fc.string({ minLength: 400, maxLength: 700 })],
  ])('never throws on arbitrary %s, it refuses them', (_kind, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, nowArb, (code, now) => {
        expectRefused(parseGs1(code, now));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on near-GS1 text', () => {
    const pieces = [
      ...'0123456789()/?&=%+#]\\ dCQe',
      GS,
      'https://x/',
      '/01/',
      '(01)',
      '(10)',
      '%E0',
    ];
    const nearGs1 = fc.string({ unit: fc.constantFrom(...pieces), maxLength: 60 });
    fc.assert(
      fc.property(nearGs1, nowArb, (code, now) => {
        const result = parseGs1(code, now);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error).toMatch(/^\S/);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on a valid code with one character changed', () => {
    const mutation = fc.tuple(fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 2 }));
    fc.assert(
      fc.property(unitArb, fc.nat(), mutation, (unit, form, [at, cut, insert]) => {
        const forms = everyForm(unit);
        const code = forms[form % forms.length];
        const pos = at % (code.length + 1);
        const mutated = code.slice(0, pos) + insert + code.slice(pos + (cut % 2));
        expect(typeof parseGs1(mutated, unit.now).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
