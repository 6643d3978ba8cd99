<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CommandPalette</name>
    <message>
        <source>No matching command</source>
        <translation>没有匹配的命令</translation>
    </message>
    <message>
        <source>Type to search actions…</source>
        <translation>输入以搜索操作…</translation>
    </message>
    <message>
        <source>Command palette</source>
        <translation>命令面板</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Panel: {name}</source>
        <translation>面板：{name}</translation>
    </message>
    <message>
        <source>Command palette…</source>
        <translation>命令面板…</translation>
    </message>
    <message>
        <source>Save workspace</source>
        <translation>保存工作区</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Large-font mode</source>
        <translation>大字体模式</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Reset workspace layout</source>
        <translation>重置工作区布局</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Workspace: {role}</source>
        <translation>工作区：{role}</translation>
    </message>
    <message>
        <source>Move window to screen {number} ({name})</source>
        <translation>将窗口移到屏幕 {number}（{name}）</translation>
    </message>
    <message>
        <source>Full-screen wall on screen {number} ({name})</source>
        <translation>在屏幕 {number}（{name}）上全屏显示大屏</translation>
    </message>
    <message>
        <source>Simplified Chinese</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Window</source>
        <translation>窗口(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Actions</source>
        <translation>操作(&amp;A)</translation>
    </message>
    <message>
        <source>Grid Command Centre — {role}</source>
        <translation>网格化城运指挥台 — {role}</translation>
    </message>
    <message>
        <source>Screens: {count}</source>
        <translation>屏幕：{count}</translation>
    </message>
    <message>
        <source>Grid Command Centre console, version {version}.</source>
        <translation>网格化城运指挥台，版本 {version}。</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Case queue</source>
        <translation>案件队列</translation>
    </message>
    <message>
        <source>Case detail</source>
        <translation>案件详情</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>处置力量</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Shift board</source>
        <translation>值班看板</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>交接班</translation>
    </message>
    <message>
        <source>Wall map</source>
        <translation>大屏地图</translation>
    </message>
    <message>
        <source>Key figures</source>
        <translation>关键指标</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>统计图表</translation>
    </message>
    <message>
        <source>Rankings</source>
        <translation>排行榜</translation>
    </message>
    <message>
        <source>Ticker</source>
        <translation>滚动信息</translation>
    </message>
</context>
<context>
    <name>PlaceholderPanel</name>
    <message>
        <source>Panel under construction: {name}</source>
        <translation>面板建设中：{name}</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Dispatcher</source>
        <translation>调度员</translation>
    </message>
    <message>
        <source>Shift supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>Leader wall</source>
        <translation>领导大屏</translation>
    </message>
</context>
</TS>
