// A text/event-stream parser for streams read with fetch: EventSource cannot send the
// Authorization header the API needs. Pure, so it is unit-tested on split and odd chunks.

/**
 * The complete events in `buffer` and the unfinished rest, to be prefixed to the next chunk.
 * Comments (`: keep-alive`) and events without data are dropped, as EventSource does.
 */
export function parseEventStream(buffer) {
  // A chunk may end between the \r and \n of one line break; keep the \r for the next chunk.
  const held = buffer.endsWith('\r') ? '\r' : '';
  const text = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, '\n');
  const end = text.lastIndexOf('\n\n');
  if (end < 0) return { events: [], rest: text + held };
  const events = text
    .slice(0, end)
    .split('\n\n')
    .map(parseBlock)
    .filter((event) => event !== null);
  return { events, rest: text.slice(end + 2) + held };
}

function parseBlock(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : null;
}
