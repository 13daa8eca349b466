const banner = document.createElement("p");
banner.textContent = "assets built by vite: dockgen-assets-ok";
document.body.append(banner);
