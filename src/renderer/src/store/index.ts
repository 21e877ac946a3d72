// The renderer's stores, by concern (each file says what it holds at its top):
//   store.ts          useTerminal: the engine's state as pushed (snapshot, then events); pushToast.
//                     useTerminal((s) => s.instruments[symbol]?.tick) gives a symbol's display precision
//   ui.ts             useUi: selections and long tasks of this window
//   connection.ts     useConnection: the engine link (connecting / connected / reconnecting, last message)
//   trading-block.ts  useTradingBlock(): { blocked, why } for every trading button
//   settings.ts       useSettings: time zone, confirm-my-own-tickets, confirm-close, layout (localStorage)
export * from './connection.ts';
export * from './settings.ts';
export * from './store.ts';
export * from './trading-block.ts';
export * from './ui.ts';
