// The terminal's layout: top bar, three columns of panels, status bar.
import { ApprovalQueue } from '../approvals/ApprovalQueue.tsx';
import { OrdersBlotter } from '../blotter/OrdersBlotter.tsx';
import { PositionsBlotter } from '../blotter/PositionsBlotter.tsx';
import { PriceChart } from '../chart/PriceChart.tsx';
import { DayTrades } from '../day-trades/DayTrades.tsx';
import { TradeHistory } from '../history/TradeHistory.tsx';
import { Lessons } from '../lessons/Lessons.tsx';
import { OrderTicket } from '../ticket/OrderTicket.tsx';
import { Progress } from './Progress.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Toasts } from './Toasts.tsx';
import { TopBar } from './TopBar.tsx';

export function App() {
  return (
    <div className="app">
      <Progress />
      <TopBar />
      <main className="workspace">
        <div className="column col-trade">
          <ApprovalQueue />
          <PositionsBlotter />
          <OrdersBlotter />
        </div>
        <div className="column col-analysis">
          <PriceChart />
          <TradeHistory />
        </div>
        <div className="column col-side">
          <DayTrades />
          <OrderTicket />
          <Lessons />
        </div>
      </main>
      <StatusBar />
      <Toasts />
    </div>
  );
}
