import { CALLBACK_PATH, completeSignIn, createUserManager, currentUser, type AppConfig, type User, type UserManager } from "@order-service/auth";
import { StrictMode, type ComponentType } from "react";
import { createRoot } from "react-dom/client";

/** What the app is started with: its config.json, the sign-in manager, who is signed in and why a sign-in failed. */
export type StartProps<C extends AppConfig> = {
  config: C;
  manager: UserManager;
  initialUser: User | null;
  signInError?: string | undefined;
};

/**
 * Starts an app in `#root`: reads config.json with `loadConfig` (a failure
 * shows `failureTitle` and a way to try again), completes a sign-in on the
 * callback path, then renders `App` in strict mode.
 */
export async function startApp<C extends AppConfig>({
  loadConfig,
  failureTitle,
  App,
}: {
  loadConfig: () => Promise<C>;
  failureTitle: string;
  App: ComponentType<StartProps<C>>;
}) {
  const root = createRoot(document.getElementById("root")!);
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    root.render(<StartupError title={failureTitle} message={error instanceof Error ? error.message : String(error)} />);
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

function StartupError({ title, message }: { title: string; message: string }) {
  return (
    <main className="centered-page">
      <div className="card narrow">
        <h1>{title}</h1>
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
