/** MQTT topic filter matching (`+` one level, `#` the rest), for the embedded broker's hook. */
export function topicMatches(filter: string, topic: string): boolean {
  const want = filter.split('/');
  const got = topic.split('/');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '#') return true;
    if (i >= got.length || (want[i] !== '+' && want[i] !== got[i])) return false;
  }
  return want.length === got.length;
}
