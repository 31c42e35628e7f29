import { GS } from '../gs1/element-string';
import { misreadReason, scannerRepairs } from './scanner-repairs';

const now = new Date('2026-11-22T00:00:00Z');
const readings = (code: string) =>
  scannerRepairs(code, now).map((r) => ({
    lot: r.unit.lot,
    serial: r.unit.serial,
    expiry: r.unit.expiry,
  }));

describe('scannerRepairs', () => {
  it('puts back a GS the scanner dropped after the lot', () => {
    const code = `]d2010950600013435210ABC12321SN0001`;
    expect(readings(code)).toContainEqual({ lot: 'ABC123', serial: 'SN0001', expiry: undefined });
    expect(scannerRepairs(code, now)[0].setting).toMatch(/drops the GS \(FNC1\) separator/);
  });

  it('puts back a GS before a swallowed expiry date', () => {
    const code = `010950600013435210ABC12317281231${GS}21SN0001`;
    expect(readings(code)).toContainEqual({
      lot: 'ABC123',
      serial: 'SN0001',
      expiry: '2028-12-31',
    });
  });

  it('undoes a Y/Z keyboard swap', () => {
    const repairs = scannerRepairs('(01)09506000134352(10)LOTZ1(21)SNY1', now);
    expect(repairs.map((r) => [r.unit.lot, r.unit.serial])).toContainEqual(['LOTY1', 'SNZ1']);
    expect(repairs.find((r) => r.unit.lot === 'LOTY1')?.setting).toMatch(/swaps Y and Z/);
  });

  it('undoes Caps Lock', () => {
    const repairs = scannerRepairs('(01)09506000134352(10)abc123(21)sn0001', now);
    expect(repairs.map((r) => [r.unit.lot, r.unit.serial])).toContainEqual(['ABC123', 'SN0001']);
  });

  it('offers nothing for a code no known fault explains', () => {
    expect(scannerRepairs('(01)09506000134352(10)123(21)456', now)).toEqual([]);
  });

  it('never throws on arbitrary text', () => {
    for (const code of ['', 'hello', '((((', `]d2${GS}${GS}`, 'x'.repeat(600)]) {
      expect(() => scannerRepairs(code, now)).not.toThrow();
    }
  });

  it('names the likely setting and the right reading in the reason', () => {
    const [repair] = scannerRepairs(`010950600013435210ABC12321SN0001`, now);
    expect(misreadReason(repair)).toEqual({
      code: 'SCANNER_MISREAD',
      message: expect.stringMatching(/GTIN 09506000134352 lot ABC123 serial SN0001.*FNC1/),
    });
  });
});
