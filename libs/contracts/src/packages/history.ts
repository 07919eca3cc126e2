// hoody.history.v1: the history service's API (the events history, REST GET /events).
export * from '../generated/hoody/history/v1/history';
