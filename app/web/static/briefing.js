// 链长简报: the 打印 button opens the browser's print dialog (the print stylesheet lays out one page).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
