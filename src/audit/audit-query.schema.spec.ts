import { auditQuerySchema, fieldErrors } from './audit-query.schema';

const fieldsOf = (query: Record<string, unknown>) => {
  const result = auditQuerySchema.safeParse(query);
  return result.success ? [] : fieldErrors(result.error.issues).map((e) => e.field);
};

describe('auditQuerySchema', () => {
  it('parses every filter', () => {
    expect(
      auditQuerySchema.parse({
        objectType: 'supplier',
        objectId: 'SUP-1',
        actor: 'key-1',
        from: '2026-11-22T08:00:00Z',
        to: '2026-11-22T09:00:00.500+01:00',
        limit: '500',
        after: '42',
      }),
    ).toEqual({
      objectType: 'supplier',
      objectId: 'SUP-1',
      actor: 'key-1',
      from: new Date('2026-11-22T08:00:00Z'),
      to: new Date('2026-11-22T08:00:00.500Z'),
      limit: 500,
      after: 42,
    });
  });

  it('accepts no filter at all', () => {
    expect(auditQuerySchema.parse({})).toEqual({});
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['limit 0', { limit: '0' }, ['limit']],
    ['limit 501', { limit: '501' }, ['limit']],
    ['a fractional limit', { limit: '1.5' }, ['limit']],
    ['a negative cursor', { after: '-1' }, ['after']],
    ['a date without a zone', { from: '2026-11-22T08:00:00' }, ['from']],
    ['a date that is not one', { to: 'yesterday' }, ['to']],
    ['to before from', { from: '2026-11-22T09:00:00Z', to: '2026-11-22T08:00:00Z' }, ['to']],
    ['an empty filter', { actor: '' }, ['actor']],
    ['a repeated filter', { objectId: ['a', 'b'] }, ['objectId']],
    ['an unknown parameter', { objectid: 'SUP-1' }, ['objectid']],
    ['several bad fields', { limit: 'x', after: 'y', from: 'z' }, ['from', 'limit', 'after']],
  ])('names the bad field of %s', (_name, query, fields) => {
    expect(fieldsOf(query).sort()).toEqual([...fields].sort());
  });
});
