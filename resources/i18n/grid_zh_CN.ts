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
    <name>Connection</name>
    <message>
        <source>Acceptance</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Voiding</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Filing</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Comprehensive dispatch</source>
        <translation>综合派单</translation>
    </message>
    <message>
        <source>Escalation to the leaders</source>
        <translation>提交领导协调</translation>
    </message>
    <message>
        <source>Sign-off by the department</source>
        <translation>部门签收</translation>
    </message>
    <message>
        <source>Return by the department</source>
        <translation>部门回退</translation>
    </message>
    <message>
        <source>Extension request</source>
        <translation>延期申请</translation>
    </message>
    <message>
        <source>Extension decision</source>
        <translation>延期审批</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>处理反馈</translation>
    </message>
    <message>
        <source>Verification assignment</source>
        <translation>派发核查</translation>
    </message>
    <message>
        <source>Verification passed</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>Verification failed</source>
        <translation>核查不通过</translation>
    </message>
    <message>
        <source>Closing</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Suspension</source>
        <translation>缓办</translation>
    </message>
    <message>
        <source>Resumption</source>
        <translation>恢复办理</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>the console sent a broken message (a fault of the console)</source>
        <translation>控制台发送的消息有误（控制台故障）</translation>
    </message>
    <message>
        <source>the server does not know this request (a fault of the console)</source>
        <translation>服务器不识别此请求（控制台故障）</translation>
    </message>
    <message>
        <source>a field is missing or wrong</source>
        <translation>字段缺失或有误</translation>
    </message>
    <message>
        <source>the request is too large</source>
        <translation>请求过大</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>尚未登录</translation>
    </message>
    <message>
        <source>sign-in failed: wrong user name or password</source>
        <translation>登录失败：用户名或密码错误</translation>
    </message>
    <message>
        <source>the session has expired: sign in again</source>
        <translation>会话已过期：请重新登录</translation>
    </message>
    <message>
        <source>this console does not match the server&apos;s version: update it</source>
        <translation>控制台版本与服务器不符：请升级</translation>
    </message>
    <message>
        <source>not allowed at this step</source>
        <translation>当前环节不允许此操作</translation>
    </message>
    <message>
        <source>you are not permitted to do this</source>
        <translation>您无权执行此操作</translation>
    </message>
    <message>
        <source>a value is not acceptable</source>
        <translation>取值不可接受</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>the case changed in the meantime: look at it again</source>
        <translation>案件已被他人更新：请重新查看</translation>
    </message>
    <message>
        <source>too many requests: wait a moment and try again</source>
        <translation>请求过于频繁：请稍候再试</translation>
    </message>
    <message>
        <source>the connection fell behind</source>
        <translation>连接处理滞后</translation>
    </message>
    <message>
        <source>the server failed; nothing was changed</source>
        <translation>服务器出错，未做任何更改</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>已退出登录</translation>
    </message>
    <message>
        <source>This console signed in elsewhere; this session ended</source>
        <translation>此控制台已在别处登录，本次会话结束</translation>
    </message>
    <message>
        <source>Sign-in failed: wrong user name or password</source>
        <translation>登录失败：用户名或密码错误</translation>
    </message>
    <message>
        <source>The session has expired: sign in with your password</source>
        <translation>会话已过期：请输入密码登录</translation>
    </message>
    <message>
        <source>The server does not support this console&apos;s version: update the console</source>
        <translation>服务器不支持此控制台版本：请升级控制台</translation>
    </message>
    <message>
        <source>The server is restarting</source>
        <translation>服务器正在重启</translation>
    </message>
    <message>
        <source>The connection fell behind; reloading everything</source>
        <translation>连接处理滞后，正在重新加载全部数据</translation>
    </message>
    <message>
        <source>The connection was silent too long</source>
        <translation>连接长时间无响应</translation>
    </message>
    <message>
        <source>The session expired; signing in again</source>
        <translation>会话已过期，正在重新登录</translation>
    </message>
    <message>
        <source>The server refused a message (a fault of the console)</source>
        <translation>服务器拒绝了一条消息（控制台故障）</translation>
    </message>
    <message>
        <source>The server refused a flood of messages (a fault of the console)</source>
        <translation>服务器拒绝了大量消息（控制台故障）</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>正在重连</translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <source>not allowed while the case is “{state}”</source>
        <translation>案件处于“{state}”状态，不允许此操作</translation>
    </message>
    <message>
        <source>{problem} (field {field})</source>
        <translation>{problem}（字段 {field}）</translation>
    </message>
    <message>
        <source>not found: {ident}</source>
        <translation>未找到：{ident}</translation>
    </message>
    <message>
        <source>{action} of case {case}</source>
        <translation>{action}（案件 {case}）</translation>
    </message>
    <message>
        <source>New report</source>
        <translation>新上报</translation>
    </message>
    <message>
        <source>Status “{status}” for unit {unit}</source>
        <translation>状态“{status}”（{unit}）</translation>
    </message>
    <message>
        <source>Photo upload</source>
        <translation>照片上传</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>New report filed as case {case}</source>
        <translation>新上报已登记为案件 {case}</translation>
    </message>
    <message>
        <source>{action}: done</source>
        <translation>{action}：已完成</translation>
    </message>
    <message>
        <source>{action} failed: {reason}</source>
        <translation>{action}失败：{reason}</translation>
    </message>
    <message>
        <source>no answer from the server</source>
        <translation>服务器无应答</translation>
    </message>
    <message>
        <source>not sent: the console is offline</source>
        <translation>未发送：控制台离线</translation>
    </message>
</context>
<context>
    <name>ConnectionIndicator</name>
    <message>
        <source>{status} (attempt {attempt})</source>
        <translation>{status}（第 {attempt} 次尝试）</translation>
    </message>
    <message>
        <source>no events yet</source>
        <translation>尚无事件</translation>
    </message>
    <message>
        <source>last event {age}</source>
        <translation>最近事件 {age}</translation>
    </message>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} 毫秒</translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <source>{why}; next attempt in {seconds} s</source>
        <translation>{why}；{seconds} 秒后重试</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>连接状态</translation>
    </message>
</context>
<context>
    <name>ItemModels</name>
    <message>
        <source>Awaiting acceptance</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Awaiting filing</source>
        <translation>待立案</translation>
    </message>
    <message>
        <source>Awaiting dispatch</source>
        <translation>待派遣</translation>
    </message>
    <message>
        <source>Leader coordination</source>
        <translation>领导协调</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Awaiting verification</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>缓办</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>已合并</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>特急</translation>
    </message>
    <message>
        <source>Grid patrol</source>
        <translation>网格巡查</translation>
    </message>
    <message>
        <source>Joint patrol</source>
        <translation>联勤巡查</translation>
    </message>
    <message>
        <source>Volunteer</source>
        <translation>志愿者</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>村居工作站</translation>
    </message>
    <message>
        <source>12345 hotline</source>
        <translation>12345 热线</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <source>Emergency transfer</source>
        <translation>应急转办</translation>
    </message>
    <message>
        <source>On patrol</source>
        <translation>巡查中</translation>
    </message>
    <message>
        <source>En route</source>
        <translation>前往中</translation>
    </message>
    <message>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>On break</source>
        <translation>休息</translation>
    </message>
    <message>
        <source>Off duty</source>
        <translation>下班</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Supervised</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Joint</source>
        <translation>联勤</translation>
    </message>
    <message>
        <source>{days} d {hours} h</source>
        <translation>{days} 天 {hours} 小时</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} 小时 {minutes} 分</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} 分钟</translation>
    </message>
    <message>
        <source>{seconds} s ago</source>
        <translation>{seconds} 秒前</translation>
    </message>
    <message>
        <source>{minutes} min ago</source>
        <translation>{minutes} 分钟前</translation>
    </message>
    <message>
        <source>{hours} h ago</source>
        <translation>{hours} 小时前</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街镇</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Overdue {duration}</source>
        <translation>超期 {duration}</translation>
    </message>
    <message>
        <source>Deadline {time}</source>
        <translation>时限 {time}</translation>
    </message>
    <message>
        <source>Call sign</source>
        <translation>呼号</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>人员/车辆</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>队伍</translation>
    </message>
    <message>
        <source>Status since</source>
        <translation>状态起始</translation>
    </message>
    <message>
        <source>Last fix</source>
        <translation>最近定位</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>人员车辆数</translation>
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
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to the command centre</source>
        <translation>登录指挥中心</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>The server address must start with ws:// or wss://</source>
        <translation>服务器地址必须以 ws:// 或 wss:// 开头</translation>
    </message>
    <message>
        <source>Enter a user name and a password</source>
        <translation>请输入用户名和密码</translation>
    </message>
</context>
<context>
    <name>TablePanel</name>
    <message>
        <source>Search: number, address, text, category, street…</source>
        <translation>搜索：编号、地址、内容、类别、街镇…</translation>
    </message>
</context>
</TS>
