import { createApp } from "vue";
// Only the Element Plus components the console's pages use, registered by name (each is a
// plugin), rather than the whole kit: the dashboard's script is what every leader parses
// before the first figure is asked for. A new <el-...> in a page is added here; a part
// (ElRadioButton, ElOption, ElTableColumn ...) is registered by its whole (ElRadio ...).
import {
  ElAlert,
  ElAside,
  ElButton,
  ElCard,
  ElCheckbox,
  ElCheckboxGroup,
  ElContainer,
  ElDatePicker,
  ElDescriptions,
  ElDescriptionsItem,
  ElDialog,
  ElDrawer,
  ElEmpty,
  ElForm,
  ElFormItem,
  ElHeader,
  ElInput,
  ElInputNumber,
  ElLink,
  ElMain,
  ElMenu,
  ElMenuItem,
  ElOption,
  ElPagination,
  ElRadio,
  ElRadioButton,
  ElRadioGroup,
  ElResult,
  ElSelect,
  ElSkeleton,
  ElStatistic,
  ElSubMenu,
  ElSwitch,
  ElTable,
  ElTableColumn,
  ElTag,
  ElTimeline,
  ElTimelineItem,
  ElLoading,
} from "element-plus";
import "element-plus/dist/index.css";
import App from "./App.vue";
import { restoreSession } from "./api.js";
import { router } from "./router.js";
import "./style.css";

const ELEMENTS = [ElAlert, ElAside, ElButton, ElCard, ElCheckbox, ElCheckboxGroup, ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDrawer, ElEmpty, ElForm, ElFormItem, ElHeader, ElInput, ElInputNumber, ElLink, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElRadio, ElRadioButton, ElRadioGroup, ElResult, ElSelect, ElSkeleton, ElStatistic, ElSubMenu, ElSwitch, ElTable, ElTableColumn, ElTag, ElTimeline, ElTimelineItem, ElLoading];

restoreSession();
const app = createApp(App);
for (const element of ELEMENTS) app.use(element);
app.use(router).mount("#app");
