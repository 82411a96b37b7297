import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider } from "@tanstack/react-query";
import { App } from "./App";
import { createQueryClient } from "./api/queryClient";
import { parseWallToken, setBearerToken } from "./api/http";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");

// A kiosk opens /wall?token=wall_…: that token, and no cookie, is how this page talks to the hub.
setBearerToken(parseWallToken(window.location.search));

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
