import { CALLBACK_PATH, completeSignIn, createUserManager, currentUser } from "@order-service/auth";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadStorefrontConfig } from "./config";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

function StartupError({ message }: { message: string }) {
  return (
    <main className="centered-page">
      <div className="card narrow">
        <h1>The shop could not open</h1>
        <p role="alert" className="alert alert-error">
          {message}
        </p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </div>
    </main>
  );
}

async function start() {
  let config;
  try {
    config = await loadStorefrontConfig();
  } catch (error) {
    root.render(<StartupError message={error instanceof Error ? error.message : String(error)} />);
    return;
  }
  const manager = createUserManager(config);
  let signInError: string | undefined;
  if (window.location.pathname === CALLBACK_PATH) {
    try {
      await completeSignIn(manager);
    } catch (error) {
      signInError = `Sign-in did not complete: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const user = await currentUser(manager);
  root.render(
    <StrictMode>
      <App config={config} manager={manager} initialUser={user} signInError={signInError} />
    </StrictMode>,
  );
}

void start();
