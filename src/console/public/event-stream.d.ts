// Types of event-stream.js for its unit spec: the browser loads the plain JavaScript module as it is.

export interface StreamEvent {
  event: string;
  data: string;
}

export function parseEventStream(buffer: string): { events: StreamEvent[]; rest: string };
