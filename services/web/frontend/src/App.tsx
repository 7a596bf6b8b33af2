import { useEffect, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router";
import { Layout } from "./components/Layout";
import { setUnauthorizedHandler } from "./lib/api";
import { Admin } from "./screens/Admin";
import { Conversations } from "./screens/Conversations";
import { useSession } from "./lib/hooks";
import { rememberReturn } from "./lib/session";
import { Dashboard } from "./screens/Dashboard";
import { Grading, GradingIndex } from "./screens/Grading";
import { History } from "./screens/History";
import { MyOkrs } from "./screens/MyOkrs";
import { NotFound } from "./screens/NotFound";
import { ObjectivePage } from "./screens/ObjectivePage";
import { OidcCallback } from "./screens/OidcCallback";
import { Rewards } from "./screens/Rewards";
import { SignIn } from "./screens/SignIn";
import { Tree } from "./screens/Tree";
import { WithCycle } from "./screens/WithCycle";

function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    rememberReturn(location.pathname + location.search);
    return <Navigate to="/signin" replace />;
  }
  return <>{children}</>;
}

export function App() {
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => navigate("/signin", { replace: true }));
  }, [navigate]);

  const guarded = (element: ReactNode) => <RequireSession>{element}</RequireSession>;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route path="/signin" element={<SignIn />} />
        <Route path="/signin/callback" element={<OidcCallback />} />
        <Route path="/" element={<Navigate to="/my" replace />} />
        <Route path="/my" element={guarded(<MyOkrs />)} />
        <Route path="/tree" element={guarded(<WithCycle to="tree" />)} />
        <Route path="/tree/:cycleId" element={guarded(<Tree />)} />
        <Route path="/dashboard" element={guarded(<WithCycle to="dashboard" />)} />
        <Route path="/dashboard/:cycleId" element={guarded(<Dashboard />)} />
        <Route path="/history" element={guarded(<WithCycle to="history" />)} />
        <Route path="/history/:cycleId" element={guarded(<History />)} />
        <Route path="/grading" element={guarded(<GradingIndex />)} />
        <Route path="/grading/:cycleId" element={guarded(<Grading />)} />
        <Route path="/rewards" element={guarded(<Rewards />)} />
        <Route path="/objectives/:objectiveId" element={guarded(<ObjectivePage />)} />
        <Route path="/conversations" element={guarded(<Conversations />)} />
        <Route path="/conversations/:conversationId" element={guarded(<Conversations />)} />
        <Route path="/admin" element={guarded(<Admin />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
