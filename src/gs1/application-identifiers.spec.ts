import {
  AI_TABLE,
  DIGITAL_LINK_KEYS,
  PREDEFINED_LENGTH_PREFIXES,
  aiLengthForPrefix,
  firstDisallowedChar,
  isPredefinedLength,
  lookupAi,
} from './application-identifiers';

const REQUIRED_AIS = [
  ...['00', '01', '02', '10', '11', '12', '13', '15', '16', '17', '20', '21', '22', '235'],
  ...['240', '241', '242', '243', '250', '251', '253', '254', '255', '30', '37'],
  ...['400', '401', '402', '403', '410', '411', '412', '413', '414', '415', '416', '417'],
  ...['420', '421', '422', '423', '424', '425', '426', '427'],
  ...['7001', '7002', '7003', '7004', '7005', '7006', '7007', '7008', '7009', '7010'],
  ...['7020', '7021', '7022', '7023', '7030', '7039', '710', '711', '712', '713', '714', '715'],
  ...['8001', '8002', '8003', '8004', '8005', '8006', '8007', '8008', '8010', '8011'],
  ...['8012', '8013', '8017', '8018', '8019', '8020', '8026', '8110', '8111', '8112', '8200'],
  ...['90', '91', '92', '93', '94', '95', '96', '97', '98', '99'],
  ...['3900', '3909', '3910', '3919', '3920', '3929', '3930', '3939'],
];

const MEASURE_FAMILIES = [
  ...['310', '311', '312', '313', '314', '315', '316'],
  ...['320', '321', '322', '323', '324', '325', '326', '327', '328', '329'],
  ...['330', '331', '332', '333', '334', '335', '336', '337'],
  ...['340', '341', '342', '343', '344', '345', '346', '347', '348', '349'],
  ...['350', '351', '352', '353', '354', '355', '356', '357'],
  ...['360', '361', '362', '363', '364', '365', '366', '367', '368', '369'],
];

describe('AI table', () => {
  it.each(REQUIRED_AIS)('knows AI %s', (ai) => {
    expect(lookupAi(ai)).toMatchObject({ ai });
  });

  it.each([
    ['00', 18, true, 'SSCC'],
    ['01', 14, true, 'GTIN'],
    ['02', 14, true, 'CONTENT'],
    ['17', 6, true, 'USE BY OR EXPIRY'],
    ['3103', 6, true, 'NET WEIGHT (kg)'],
    ['410', 13, true, 'SHIP TO LOC'],
    ['8006', 18, true, 'ITIP'],
  ])('AI %s is fixed length %d', (ai, length, numeric, name) => {
    expect(lookupAi(ai)).toMatchObject({ fixedLength: length, maxLength: length, numeric, name });
  });

  it.each([
    ['10', 20, false, 'BATCH/LOT'],
    ['21', 20, false, 'SERIAL'],
    ['235', 28, false, 'TPX'],
    ['30', 8, true, 'VAR. COUNT'],
    ['37', 8, true, 'COUNT'],
    ['3922', 15, true, 'PRICE'],
    ['253', 30, false, 'GDTI'],
    ['8200', 70, false, 'PRODUCT URL'],
    ['99', 90, false, 'INTERNAL'],
  ])('AI %s is variable up to %d', (ai, max, numeric, name) => {
    expect(lookupAi(ai)).toMatchObject({ fixedLength: undefined, maxLength: max, numeric, name });
  });

  it.each(MEASURE_FAMILIES)('has the n6 measure family %sn for decimal positions 0-5', (family) => {
    for (let n = 0; n <= 5; n++) {
      expect(lookupAi(`${family}${n}`)).toMatchObject({ fixedLength: 6, numeric: true });
    }
  });

  it('does not know made-up AIs', () => {
    for (const ai of ['03', '05', '14', '18', '19', '23', '239', '3106', '7024', '8099', '1', '']) {
      expect(lookupAi(ai)).toBeUndefined();
    }
  });

  it('is prefix-free, so a raw element string can be split without separators', () => {
    const ais = [...AI_TABLE.keys()];
    for (const ai of ais) {
      expect(ais.filter((other) => other !== ai && other.startsWith(ai))).toEqual([]);
    }
  });

  it('lets the first two digits of an AI decide its length', () => {
    for (const ai of AI_TABLE.keys()) {
      expect(aiLengthForPrefix(ai.slice(0, 2))).toBe(ai.length);
    }
    expect(aiLengthForPrefix('05')).toBeUndefined();
  });

  it('records the GS1 predefined-length prefixes', () => {
    expect([...PREDEFINED_LENGTH_PREFIXES].sort()).toEqual(
      ['00', '01', '02', '03', '04', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20']
        .concat(['31', '32', '33', '34', '35', '36', '41'])
        .sort(),
    );
    expect(isPredefinedLength('01')).toBe(true);
    expect(isPredefinedLength('3103')).toBe(true);
    expect(isPredefinedLength('10')).toBe(false);
    expect(isPredefinedLength('235')).toBe(false);
    expect(isPredefinedLength('422')).toBe(false);
  });

  it('gives every predefined-length AI a fixed length', () => {
    for (const spec of AI_TABLE.values()) {
      if (spec.predefinedLength) expect(spec.fixedLength).toBeDefined();
    }
  });

  it('lists Digital Link qualifiers that are themselves known AIs', () => {
    for (const [key, qualifiers] of DIGITAL_LINK_KEYS) {
      for (const ai of [key, ...qualifiers]) expect(lookupAi(ai)).toBeDefined();
    }
  });
});

describe('firstDisallowedChar', () => {
  const CSET82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;

  it('accepts exactly the 82 characters of GS1 set 82 for an.. data', () => {
    expect(CSET82).toHaveLength(82);
    expect(firstDisallowedChar('X', CSET82)).toBeUndefined();
    for (let code = 0; code < 128; code++) {
      const ch = String.fromCharCode(code);
      expect(firstDisallowedChar('X', ch) === undefined).toBe(CSET82.includes(ch));
    }
  });

  it.each([
    ['N', '12a', 'a'],
    ['X', 'AB CD', ' '],
    ['X', 'AB#', '#'],
    ['X', 'é', 'é'],
    ['Y', 'AB-c', 'c'],
    ['Z', 'ab+', '+'],
  ] as const)('in set %s finds the bad character of %p', (charset, value, bad) => {
    expect(firstDisallowedChar(charset, value)).toBe(bad);
  });
});
