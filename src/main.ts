// Placeholder entry point; the app shell replaces this.
const app = document.querySelector<HTMLDivElement>('#app');
if (app) app.textContent = 'dashseg';
console.info('dashseg');
