// The REAL @stoqey/ib client (IBApi) wired to record what it decodes, for the simulator's tests and for
// any test that wants to watch the gateway from a second client. Host, port and clientId are always
// passed: @stoqey/ib reads .env and IB_* otherwise.
import {
  type CommissionReport,
  type Contract,
  type ContractDetails,
  EventName,
  type Execution,
  IBApi,
  type Order,
  type OrderState,
  type OrderStatus,
  type TickType,
} from '@stoqey/ib';

export interface SeenStatus {
  orderId: number;
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  permId: number | undefined;
  parentId: number | undefined;
  clientId: number | undefined;
}

export interface Seen {
  nextValidId: number[];
  accounts: string[];
  openOrders: Array<{ orderId: number; contract: Contract; order: Order; status: string }>;
  statuses: SeenStatus[];
  execs: Array<{ reqId: number; contract: Contract; exec: Execution }>;
  execEnds: number[];
  commissions: CommissionReport[];
  errors: Array<{ id: number; code: number; text: string }>;
  infos: Array<{ code: number; text: string }>;
  positions: Array<{ account: string; symbol: string; pos: number; avgCost: number | undefined }>;
  positionEnds: number;
  summaries: Array<{ reqId: number; account: string; tag: string; value: string; currency: string }>;
  summaryEnds: number[];
  openOrderEnds: number;
  ticks: Array<{
    reqId: number;
    tickType: number | undefined;
    value: number | undefined;
    kind: 'price' | 'size';
  }>;
  marketDataTypes: Array<{ reqId: number; type: number }>;
  snapshotEnds: number[];
  contracts: Array<{ reqId: number; details: ContractDetails }>;
  contractEnds: number[];
  currentTimes: number[];
  /** Decoder complaints (unprocessed fields, underruns): a layout mismatch with the simulator. */
  decoding: string[];
  disconnects: number;
  /** One line per order event in arrival order: "open 5 Filled", "status 5 Filled", "exec 5 <execId>", "commission <execId>". */
  log: string[];
}

export interface TestClient {
  api: IBApi;
  seen: Seen;
  connect(): void;
  close(): void;
}

export function ibClient(port: number, clientId: number): TestClient {
  const api = new IBApi({ host: '127.0.0.1', port, clientId });
  const seen: Seen = {
    nextValidId: [],
    accounts: [],
    openOrders: [],
    statuses: [],
    execs: [],
    execEnds: [],
    commissions: [],
    errors: [],
    infos: [],
    positions: [],
    positionEnds: 0,
    summaries: [],
    summaryEnds: [],
    openOrderEnds: 0,
    ticks: [],
    marketDataTypes: [],
    snapshotEnds: [],
    contracts: [],
    contractEnds: [],
    currentTimes: [],
    decoding: [],
    disconnects: 0,
    log: [],
  };
  api.on(EventName.nextValidId, (id: number) => seen.nextValidId.push(id));
  api.on(EventName.managedAccounts, (list: string) => seen.accounts.push(list));
  api.on(EventName.openOrder, (orderId: number, contract: Contract, order: Order, state: OrderState) => {
    seen.openOrders.push({ orderId, contract, order, status: String(state.status) });
    seen.log.push(`open ${orderId} ${state.status}`);
  });
  api.on(EventName.openOrderEnd, () => seen.openOrderEnds++);
  api.on(
    EventName.orderStatus,
    (
      orderId: number,
      status: OrderStatus,
      filled: number,
      remaining: number,
      avgFillPrice: number,
      permId?: number,
      parentId?: number,
      _last?: number,
      clientId?: number,
    ) => {
      seen.statuses.push({ orderId, status, filled, remaining, avgFillPrice, permId, parentId, clientId });
      seen.log.push(`status ${orderId} ${status}`);
    },
  );
  api.on(EventName.execDetails, (reqId: number, contract: Contract, exec: Execution) => {
    seen.execs.push({ reqId, contract, exec });
    seen.log.push(`exec ${exec.orderId} ${exec.execId}`);
  });
  api.on(EventName.execDetailsEnd, (reqId: number) => seen.execEnds.push(reqId));
  api.on(EventName.commissionReport, (r: CommissionReport) => {
    seen.commissions.push(r);
    seen.log.push(`commission ${r.execId}`);
  });
  api.on(EventName.error, (err: Error, code: number, id: number) => {
    if (/Decoding error|Underrun error|No parser/.test(err.message)) seen.decoding.push(err.message);
    seen.errors.push({ id, code, text: err.message });
  });
  api.on(EventName.info, (text: string, code: number) => seen.infos.push({ code, text }));
  api.on(EventName.position, (account: string, contract: Contract, pos: number, avgCost?: number) =>
    seen.positions.push({ account, symbol: contract.symbol ?? '', pos, avgCost }),
  );
  api.on(EventName.positionEnd, () => seen.positionEnds++);
  api.on(
    EventName.accountSummary,
    (reqId: number, account: string, tag: string, value: string, currency: string) =>
      seen.summaries.push({ reqId, account, tag, value, currency }),
  );
  api.on(EventName.accountSummaryEnd, (reqId: number) => seen.summaryEnds.push(reqId));
  api.on(EventName.tickPrice, (reqId: number, tickType: TickType, value: number) =>
    seen.ticks.push({ reqId, tickType, value, kind: 'price' }),
  );
  api.on(EventName.tickSize, (reqId: number, tickType?: TickType, value?: number) =>
    seen.ticks.push({ reqId, tickType, value, kind: 'size' }),
  );
  api.on(EventName.marketDataType, (reqId: number, type: number) =>
    seen.marketDataTypes.push({ reqId, type }),
  );
  api.on(EventName.tickSnapshotEnd, (reqId: number) => seen.snapshotEnds.push(reqId));
  api.on(EventName.contractDetails, (reqId: number, details: ContractDetails) =>
    seen.contracts.push({ reqId, details }),
  );
  api.on(EventName.contractDetailsEnd, (reqId: number) => seen.contractEnds.push(reqId));
  api.on(EventName.currentTime, (t: number) => seen.currentTimes.push(t));
  api.on(EventName.disconnected, () => seen.disconnects++);
  return {
    api,
    seen,
    connect: () => api.connect(clientId),
    close: () => {
      api.removeAllListeners();
      api.disconnect();
    },
  };
}
