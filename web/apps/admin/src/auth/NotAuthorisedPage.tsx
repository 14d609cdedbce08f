import { useAuth } from "@order-service/auth";

/** A signed-in user without the admin group: no admin data, no admin request. */
export function NotAuthorisedPage() {
  const { user, signOut } = useAuth();
  const who = user?.profile.email ?? user?.profile.name ?? user?.profile.sub;
  return (
    <main className="centered-page">
      <div className="card narrow">
        <h1>Not authorised</h1>
        <p role="alert">
          You are signed in as <strong>{who}</strong>, which is not an administrator account. The admin dashboard
          is only for members of the <code>admin</code> group.
        </p>
        <button type="button" className="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </main>
  );
}
