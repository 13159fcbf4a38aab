// Entry point: builds the app in #app and exposes the automation API as window.dashseg.
import './ui/styles.css';
import { DashsegApp } from './app.ts';
import type { DashsegAutomation } from './app/automationApi.ts';

const root = document.querySelector<HTMLElement>('#app');
if (!root) throw new Error('index.html has no #app element');
const app = new DashsegApp(root, location.search);
(window as unknown as { dashseg: DashsegAutomation }).dashseg = app.automationApi();
void app.start();
