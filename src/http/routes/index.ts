import type { RoutePlugin } from '../deps.ts';
import { authRoutes } from './auth.ts';
import { channelRoutes } from './channels.ts';
import { chatRoutes } from './chats.ts';
import { dashboardRoutes } from './dashboard.ts';
import { debugRoutes } from './debug.ts';
import { chattingRoutes } from './chatting.ts';
import { contactRoutes, lidRoutes } from './contacts.ts';
import { eventMessageRoutes } from './events.ts';
import { groupRoutes } from './groups.ts';
import { keyRoutes } from './keys.ts';
import { labelRoutes } from './labels.ts';
import { mediaRoutes } from './media.ts';
import { profileRoutes } from './profile.ts';
import { observabilityRoutes } from './observability.ts';
import { screenshotRoutes } from './screenshot.ts';
import { sessionRoutes } from './sessions.ts';
import { statusRoutes } from './status.ts';
import { storageRoutes } from './storage.ts';
import { unsupportedRoutes } from './unsupported.ts';
import { webhookRoutes } from './webhooks.ts';
import { websocketRoutes } from './websocket.ts';

/** Every route module, one per API tag. */
export const routePlugins: RoutePlugin[] = [observabilityRoutes, debugRoutes, sessionRoutes, authRoutes, chattingRoutes, chatRoutes, websocketRoutes, storageRoutes, contactRoutes, groupRoutes, profileRoutes, lidRoutes, screenshotRoutes, eventMessageRoutes, statusRoutes, labelRoutes, mediaRoutes, channelRoutes, dashboardRoutes, webhookRoutes, keyRoutes, unsupportedRoutes];
