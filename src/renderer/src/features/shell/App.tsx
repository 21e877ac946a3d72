// The terminal's layout: top bar, the disconnected banner when the link is down, three columns of panels
// (resizable, collapsible, remembered; the Venues list under the history, as high as it needs), status bar.
import { ApprovalQueue } from '../approvals/ApprovalQueue.tsx';
import { OrdersBlotter } from '../blotter/OrdersBlotter.tsx';
import { PositionsBlotter } from '../blotter/PositionsBlotter.tsx';
import { PriceChart } from '../chart/PriceChart.tsx';
import { DayTrades } from '../day-trades/DayTrades.tsx';
import { TradeHistory } from '../history/TradeHistory.tsx';
import { Lessons } from '../lessons/Lessons.tsx';
import { OrderTicket } from '../ticket/OrderTicket.tsx';
import { Venues } from '../venues/Venues.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { Columns, RowHandle, Slot } from './Layout.tsx';
import { Progress } from './Progress.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Toasts } from './Toasts.tsx';
import { TopBar } from './TopBar.tsx';

export function App() {
  return (
    <div className="app">
      <Progress />
      <TopBar />
      <ConnectionBanner />
      <Columns
        trade={
          <>
            <Slot name="Approval queue" keepsRoom>
              <ApprovalQueue />
            </Slot>
            <RowHandle above="Approval queue" below="Positions" />
            <Slot name="Positions">
              <PositionsBlotter />
            </Slot>
            <RowHandle above="Positions" below="Orders" />
            <Slot name="Orders">
              <OrdersBlotter />
            </Slot>
          </>
        }
        analysis={
          <>
            <Slot name="Chart">
              <PriceChart />
            </Slot>
            <RowHandle above="Chart" below="Trade history" />
            <Slot name="Trade history">
              <TradeHistory />
            </Slot>
            <Slot name="Venues" fit>
              <Venues />
            </Slot>
          </>
        }
        side={
          <>
            <Slot name="Day trades">
              <DayTrades />
            </Slot>
            <Slot name="Order ticket">
              <OrderTicket />
            </Slot>
            <Slot name="Lessons" fill>
              <Lessons />
            </Slot>
          </>
        }
      />
      <StatusBar />
      <Toasts />
    </div>
  );
}
