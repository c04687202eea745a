// The daily report's print button (a script file: the console's CSP allows no inline script).
document.getElementById('print')?.addEventListener('click', () => window.print())
