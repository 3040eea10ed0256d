/** The App Home tab: the person's requests and what waits for them, drawn each time it is opened. */
import { isAppError } from "../../../core/errors.ts";
import { listMyRequests } from "../../../core/requests/list-my-requests.ts";
import { listPendingActions } from "../../../core/requests/list-pending-actions.ts";
import type { ListenerRegistration } from "../deps.ts";
import { EVENTS } from "../ids.ts";
import { appHomeOpened, parsePayload } from "../payloads.ts";
import { homeNotSetUpView, homeView } from "../render/overview.ts";

export const appHomeOpenedListener: ListenerRegistration = {
  kind: "event",
  id: EVENTS.appHomeOpened,
  register(app, deps) {
    app.event(EVENTS.appHomeOpened, async ({ event }) => {
      const opened = parsePayload(appHomeOpened, event);
      if (opened.tab && opened.tab !== "home") return;
      let view;
      try {
        const person = await deps.directory.personFor(opened.user);
        const [mine, pending] = await Promise.all([listMyRequests(deps.ctx, { email: person.email }), listPendingActions(deps.ctx, { email: person.email })]);
        view = homeView(deps.render, person.name, mine, pending);
      } catch (error) {
        if (!isAppError(error) || error.code !== "NOT_SET_UP") throw error;
        view = homeNotSetUpView(error.message);
      }
      await deps.client.views.publish({ user_id: opened.user, view });
    });
  },
};
