<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlertsPanel</name>
    <message numerus="yes">
        <source>%n item(s) need attention</source>
        <translation>
            <numerusform>%n 项待处理</numerusform>
        </translation>
    </message>
    <message>
        <source>All clear</source>
        <translation>一切正常</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Acknowledge all</source>
        <translation>全部确认</translation>
    </message>
</context>
<context>
    <name>BasemapLayer</name>
    <message>
        <source>Basemap “{name}”: {reason}</source>
        <translation>底图“{name}”：{reason}</translation>
    </message>
    <message>
        <source>the tile server did not answer within {seconds} s</source>
        <translation>瓦片服务器在 {seconds} 秒内未响应</translation>
    </message>
    <message>
        <source>the tile server answered HTTP {status} {phrase}</source>
        <translation>瓦片服务器返回 HTTP {status} {phrase}</translation>
    </message>
    <message>
        <source>a tile is not an image</source>
        <translation>有瓦片不是图像</translation>
    </message>
    <message>
        <source>tiles could not be loaded: {detail}</source>
        <translation>瓦片无法加载：{detail}</translation>
    </message>
</context>
<context>
    <name>CaseActionDialog</name>
    <message>
        <source>Required: {field}</source>
        <translation>必填：{field}</translation>
    </message>
    <message>
        <source>The deadline must be in the future.</source>
        <translation>处置时限必须晚于当前时间。</translation>
    </message>
    <message>
        <source>A case cannot be merged into itself.</source>
        <translation>案件不能合并到自身。</translation>
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
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Departments to convene</source>
        <translation>召集部门</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Deadline (Shanghai time)</source>
        <translation>处置时限（北京时间）</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>派遣意见</translation>
    </message>
    <message>
        <source>Closing type</source>
        <translation>结案类型</translation>
    </message>
    <message>
        <source>Supervision level</source>
        <translation>督办级别</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>督办意见</translation>
    </message>
    <message>
        <source>Verifier</source>
        <translation>核查人</translation>
    </message>
    <message>
        <source>Merge into case</source>
        <translation>并入案件</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Invalid report</source>
        <translation>无效上报</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> 等另外 {count} 件</translation>
    </message>
    <message>
        <source>{action}: case {cases}</source>
        <translation>{action}：案件 {cases}</translation>
    </message>
    <message>
        <source>{action} case {case} ({category}, {address})</source>
        <translation>{action}案件 {case}（{category}，{address}）</translation>
    </message>
    <message>
        <source>{action} {count} cases: {cases}</source>
        <translation>{action} {count} 件案件：{cases}</translation>
    </message>
    <message>
        <source>The joint-action office convenes the checked departments&apos; forces (joint-patrol convening).</source>
        <translation>由联勤联动办公室召集所勾选部门的力量（联勤召集）。</translation>
    </message>
    <message>
        <source>From the catalogue: {rule}, due {time}</source>
        <translation>按类别标准：{rule}，{time} 到期</translation>
    </message>
    <message>
        <source>From the catalogue, by each case&apos;s category and urgency</source>
        <translation>按类别标准，依各案件的类别和紧急程度</translation>
    </message>
    <message>
        <source>Each case&apos;s own department (from its category)</source>
        <translation>各案件的责任部门（按类别）</translation>
    </message>
    <message>
        <source>The report was not valid (counts against its reporter)</source>
        <translation>属无效上报（计入上报人考核）</translation>
    </message>
</context>
<context>
    <name>CaseAlert</name>
    <message>
        <source>Acknowledge urgent-case alert</source>
        <translation>确认紧急案件提醒</translation>
    </message>
    <message>
        <source>Alert on new urgent cases</source>
        <translation>新紧急案件提醒</translation>
    </message>
</context>
<context>
    <name>CaseDesk</name>
    <message>
        <source>Accept the selected case</source>
        <translation>受理所选案件</translation>
    </message>
    <message>
        <source>File the selected case</source>
        <translation>立案所选案件</translation>
    </message>
    <message>
        <source>Dispatch to the default department</source>
        <translation>派遣至默认责任部门</translation>
    </message>
    <message>
        <source>Dispatch…</source>
        <translation>派遣…</translation>
    </message>
    <message>
        <source>Comprehensive dispatch (joint patrol)…</source>
        <translation>综合派单（联勤）…</translation>
    </message>
    <message>
        <source>Leader coordination…</source>
        <translation>领导协调…</translation>
    </message>
    <message>
        <source>Approve the extension</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Deny the extension…</source>
        <translation>驳回延期…</translation>
    </message>
    <message>
        <source>Urge (督办)…</source>
        <translation>督办…</translation>
    </message>
    <message>
        <source>Assign verification…</source>
        <translation>派核查…</translation>
    </message>
    <message>
        <source>Close the case…</source>
        <translation>结案…</translation>
    </message>
    <message>
        <source>Rework (verification failed)…</source>
        <translation>返工（核查不通过）…</translation>
    </message>
    <message>
        <source>Suspend…</source>
        <translation>缓办…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复办理</translation>
    </message>
    <message>
        <source>Merge duplicates…</source>
        <translation>合并重复案件…</translation>
    </message>
    <message>
        <source>Void the report…</source>
        <translation>作废上报…</translation>
    </message>
    <message>
        <source>{action}: sending…</source>
        <translation>{action}：正在发送…</translation>
    </message>
    <message>
        <source>{action} of case {case}: skipped, not allowed while it is “{state}”</source>
        <translation>{action}（案件 {case}）：已跳过，案件处于“{state}”时不允许</translation>
    </message>
    <message>
        <source>{action} of case {case}: not sent, field {field} {problem}</source>
        <translation>{action}（案件 {case}）：未发送，字段 {field} {problem}</translation>
    </message>
</context>
<context>
    <name>CaseDetailPanel</name>
    <message>
        <source>no answer from the server</source>
        <translation>服务器无应答</translation>
    </message>
    <message>
        <source>No case selected</source>
        <translation>未选择案件</translation>
    </message>
    <message>
        <source>Select a case in the queue or on the map.</source>
        <translation>请在案件队列或地图上选择案件。</translation>
    </message>
    <message>
        <source>{count} cases selected: actions apply to each case they are allowed for.</source>
        <translation>已选择 {count} 件案件：操作将作用于每件允许该操作的案件。</translation>
    </message>
    <message>
        <source>No deadline runs in this state.</source>
        <translation>当前状态不计时。</translation>
    </message>
    <message>
        <source>Due {time}: {left} left</source>
        <translation>{time} 到期：剩余 {left}</translation>
    </message>
    <message>
        <source>Overdue since {time}: {late} late</source>
        <translation>已于 {time} 超期：超出 {late}</translation>
    </message>
    <message>
        <source>was overdue</source>
        <translation>曾超期</translation>
    </message>
    <message>
        <source>since {start}, due {deadline}</source>
        <translation>自 {start} 起，{deadline} 到期</translation>
    </message>
    <message>
        <source>(working time)</source>
        <translation>（按工作时间）</translation>
    </message>
    <message>
        <source>since {time}, from “{state}”: {reason}</source>
        <translation>自 {time} 起，原状态“{state}”：{reason}</translation>
    </message>
    <message>
        <source>level {level}, urged {count} times</source>
        <translation>{level} 级，已督办 {count} 次</translation>
    </message>
    <message>
        <source>requested: {reason}</source>
        <translation>已申请：{reason}</translation>
    </message>
    <message>
        <source>{count} granted</source>
        <translation>已批准 {count} 次</translation>
    </message>
    <message>
        <source>rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Case {case}: photo {photo}</source>
        <translation>案件 {case}：照片 {photo}</translation>
    </message>
    <message>
        <source>Loading the flow…</source>
        <translation>正在加载流转记录…</translation>
    </message>
    <message>
        <source>Not connected: the flow cannot be loaded.</source>
        <translation>未连接：无法加载流转记录。</translation>
    </message>
    <message>
        <source>The flow could not be loaded: {reason}</source>
        <translation>无法加载流转记录：{reason}</translation>
    </message>
    <message>
        <source>This report was merged into case {case}.</source>
        <translation>本上报已合并至案件 {case}。</translation>
    </message>
    <message>
        <source>{count} duplicate reports merged into this case: {cases}</source>
        <translation>已有 {count} 件重复上报并入本案：{cases}</translation>
    </message>
    <message>
        <source>No duplicate reports merged.</source>
        <translation>无并入的重复上报。</translation>
    </message>
    <message>
        <source>Merge (choose a nearby case that can merge)</source>
        <translation>合并（请选择可合并的附近案件）</translation>
    </message>
    <message>
        <source>Merge {duplicate} into {target}</source>
        <translation>将 {duplicate} 并入 {target}</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <source>Case id</source>
        <translation>案件 ID</translation>
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
        <source>Source</source>
        <translation>信息来源</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Position (WGS-84)</source>
        <translation>位置（WGS-84）</translation>
    </message>
    <message>
        <source>Grid cell</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Street/town</source>
        <translation>街镇</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Last change</source>
        <translation>最后更新</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Current step</source>
        <translation>当前环节</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Returned by departments</source>
        <translation>部门回退次数</translation>
    </message>
    <message>
        <source>Reworks</source>
        <translation>返工次数</translation>
    </message>
    <message>
        <source>Duplicate reports</source>
        <translation>重复上报数</translation>
    </message>
    <message>
        <source>Merged into</source>
        <translation>并入案件</translation>
    </message>
    <message>
        <source>Merged from</source>
        <translation>并入的上报</translation>
    </message>
    <message>
        <source>Verifier</source>
        <translation>核查人</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Void reason</source>
        <translation>作废原因</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>缓办</translation>
    </message>
    <message>
        <source>Leader coordination reason</source>
        <translation>领导协调原因</translation>
    </message>
    <message>
        <source>Map of the case&apos;s surroundings</source>
        <translation>案件周边地图</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>流转记录</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>派遣单</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Duplicates and nearby</source>
        <translation>重复与周边案件</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>派单级别</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>派遣时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Extension</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>Result or instructions</source>
        <translation>处置结果或派遣意见</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Cases of the same category within {radius} in the last {days} days:</source>
        <translation>{radius} 范围内、近 {days} 天的同类案件：</translation>
    </message>
</context>
<context>
    <name>CaseQueuePanel</name>
    <message>
        <source>All cases</source>
        <translation>全部案件</translation>
    </message>
    <message>
        <source>To accept</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>To file</source>
        <translation>待立案</translation>
    </message>
    <message>
        <source>To dispatch</source>
        <translation>待派遣</translation>
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
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Under supervision</source>
        <translation>督办中</translation>
    </message>
    <message>
        <source>Joint action</source>
        <translation>联勤联动</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>缓办</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
    <message>
        <source>{name} ({count})</source>
        <translation>{name}（{count}）</translation>
    </message>
    <message>
        <source>Search: number, address, text, category, street…</source>
        <translation>搜索：编号、地址、内容、类别、街镇…</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Sound and banner for new urgent cases</source>
        <translation>新紧急案件的声音和横幅提醒</translation>
    </message>
</context>
<context>
    <name>CaseTexts</name>
    <message>
        <source>Accept</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>File</source>
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
        <source>Leader coordination</source>
        <translation>领导协调</translation>
    </message>
    <message>
        <source>Approve extension</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Deny extension</source>
        <translation>驳回延期</translation>
    </message>
    <message>
        <source>Urge</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Assign verification</source>
        <translation>派核查</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>缓办</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>accept &lt;case&gt; [note]</source>
        <translation>accept &lt;案件&gt; [备注]</translation>
    </message>
    <message>
        <source>void &lt;case&gt; &lt;reason&gt;</source>
        <translation>void &lt;案件&gt; &lt;原因&gt;</translation>
    </message>
    <message>
        <source>file &lt;case&gt; [category] [normal|urgent|critical] [note]</source>
        <translation>file &lt;案件&gt; [类别] [normal|urgent|critical] [备注]</translation>
    </message>
    <message>
        <source>dispatch &lt;case&gt; [department] [instructions]</source>
        <translation>dispatch &lt;案件&gt; [部门] [派遣意见]</translation>
    </message>
    <message>
        <source>joint &lt;case&gt; [departments…]</source>
        <translation>joint &lt;案件&gt; [部门…]</translation>
    </message>
    <message>
        <source>escalate &lt;case&gt; &lt;reason&gt;</source>
        <translation>escalate &lt;案件&gt; &lt;原因&gt;</translation>
    </message>
    <message>
        <source>approve &lt;case&gt; [note]</source>
        <translation>approve &lt;案件&gt; [备注]</translation>
    </message>
    <message>
        <source>deny &lt;case&gt; [note]</source>
        <translation>deny &lt;案件&gt; [备注]</translation>
    </message>
    <message>
        <source>urge &lt;case&gt; &lt;message&gt;</source>
        <translation>urge &lt;案件&gt; &lt;督办意见&gt;</translation>
    </message>
    <message>
        <source>verify &lt;case&gt; [verifier]</source>
        <translation>verify &lt;案件&gt; [核查人]</translation>
    </message>
    <message>
        <source>close &lt;case&gt; [verified|erroneous|special] [reason]</source>
        <translation>close &lt;案件&gt; [verified|erroneous|special] [原因]</translation>
    </message>
    <message>
        <source>rework &lt;case&gt; &lt;reason&gt;</source>
        <translation>rework &lt;案件&gt; &lt;原因&gt;</translation>
    </message>
    <message>
        <source>suspend &lt;case&gt; &lt;reason&gt;</source>
        <translation>suspend &lt;案件&gt; &lt;原因&gt;</translation>
    </message>
    <message>
        <source>resume &lt;case&gt; [note]</source>
        <translation>resume &lt;案件&gt; [备注]</translation>
    </message>
    <message>
        <source>merge &lt;case&gt; into &lt;case&gt;</source>
        <translation>merge &lt;案件&gt; into &lt;案件&gt;</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Duplicate merged in</source>
        <translation>重复上报并入</translation>
    </message>
    <message>
        <source>Deadline warning</source>
        <translation>时限预警</translation>
    </message>
    <message>
        <source>Deadline passed</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Joint operation convened</source>
        <translation>联勤行动召集</translation>
    </message>
    <message>
        <source>Joint operation completed</source>
        <translation>联勤行动完成</translation>
    </message>
    <message>
        <source>Joint operation cancelled</source>
        <translation>联勤行动取消</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Shift supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>领导</translation>
    </message>
    <message>
        <source>Field staff</source>
        <translation>一线人员</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>职能部门</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <source>Deadline clock</source>
        <translation>时限计时器</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>已派遣待签收</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已回退</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>核查通过</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Single dispatch</source>
        <translation>单一派单</translation>
    </message>
    <message>
        <source>After leader coordination</source>
        <translation>领导协调后派单</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正常结案</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期结案</translation>
    </message>
    <message>
        <source>Erroneous</source>
        <translation>错误结案</translation>
    </message>
    <message>
        <source>Special</source>
        <translation>特殊结案</translation>
    </message>
    <message>
        <source>Verification passed (normal or overdue, as the deadline says)</source>
        <translation>核查通过（按时限判定正常或超期结案）</translation>
    </message>
    <message>
        <source>{metres} m</source>
        <translation>{metres} 米</translation>
    </message>
    <message>
        <source>{km} km</source>
        <translation>{km} 公里</translation>
    </message>
    <message>
        <source>{n} working hours</source>
        <translation>{n} 个工作时</translation>
    </message>
    <message>
        <source>{n} working days</source>
        <translation>{n} 个工作日</translation>
    </message>
    <message>
        <source>{n} minutes</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>{n} hours</source>
        <translation>{n} 小时</translation>
    </message>
</context>
<context>
    <name>CaseTimeline</name>
    <message>
        <source>department: {name}</source>
        <translation>部门：{name}</translation>
    </message>
    <message>
        <source>convening: {names}</source>
        <translation>召集：{names}</translation>
    </message>
    <message>
        <source>deadline: {time}</source>
        <translation>时限：{time}</translation>
    </message>
    <message>
        <source>verifier: {who}</source>
        <translation>核查人：{who}</translation>
    </message>
    <message>
        <source>closing: {type}</source>
        <translation>结案：{type}</translation>
    </message>
    <message>
        <source>level {level}</source>
        <translation>{level} 级</translation>
    </message>
    <message>
        <source>merged into case #{id}</source>
        <translation>并入案件 #{id}</translation>
    </message>
    <message>
        <source>duplicate: {case}</source>
        <translation>重复上报：{case}</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Console or terminal</source>
        <translation>席位或终端</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>CaseVerbs</name>
    <message>
        <source>{count} selected cases</source>
        <translation>所选 {count} 件案件</translation>
    </message>
    <message>
        <source>{action} {cases}: fill in the form…</source>
        <translation>{action}案件 {cases}：填写表单…</translation>
    </message>
    <message>
        <source>each case&apos;s own department</source>
        <translation>各案件的责任部门</translation>
    </message>
    <message>
        <source>{action} {cases} to {department}</source>
        <translation>{action}案件 {cases} 至 {department}</translation>
    </message>
    <message>
        <source>{action} {cases}, convening {departments}</source>
        <translation>{action}案件 {cases}，召集 {departments}</translation>
    </message>
    <message>
        <source>{action} {cases} into {target}</source>
        <translation>{action}案件 {cases} 至 {target}</translation>
    </message>
    <message>
        <source>{action} {cases} ({closing})</source>
        <translation>{action}案件 {cases}（{closing}）</translation>
    </message>
    <message>
        <source>{action} {cases} to {verifier}</source>
        <translation>{action}案件 {cases}，核查人 {verifier}</translation>
    </message>
    <message>
        <source>{action} {cases}: {text}</source>
        <translation>{action}案件 {cases}：{text}</translation>
    </message>
    <message>
        <source>{action} {cases}</source>
        <translation>{action}案件 {cases}</translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>Cases per hour today (bars) and the mean of the last 7 days (line)</source>
        <translation>今日每小时案件数（柱）与近 7 日均值（线）</translation>
    </message>
    <message>
        <source>Top categories today</source>
        <translation>今日高发类别</translation>
    </message>
    <message>
        <source>Source channels today</source>
        <translation>今日来源渠道</translation>
    </message>
    <message>
        <source>Streets and towns with most reports today</source>
        <translation>今日上报最多的街镇</translation>
    </message>
</context>
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
        <source>the handover is signed and can no longer change</source>
        <translation>交接班已签收，不能再修改</translation>
    </message>
    <message>
        <source>the handover is submitted: the incoming supervisor signs or returns it</source>
        <translation>交接班已提交：由接班值班长签收或退回</translation>
    </message>
    <message>
        <source>the handover changed in the meantime: look at it again</source>
        <translation>交接班已被修改：请重新查看</translation>
    </message>
    <message>
        <source>not allowed: {reason}</source>
        <translation>不允许：{reason}</translation>
    </message>
    <message>
        <source>the joint operation changed in the meantime: look at it again</source>
        <translation>联勤行动已被更新：请重新查看</translation>
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
        <source>{action} of a joint operation</source>
        <translation>联勤行动{action}</translation>
    </message>
    <message>
        <source>{action} in joint operation {id}</source>
        <translation>{action}：联勤行动 {id}</translation>
    </message>
    <message>
        <source>Patrol area for unit {unit}</source>
        <translation>为 {unit} 分配责任区</translation>
    </message>
    <message>
        <source>Withdrawing patrol assignment {id}</source>
        <translation>撤销责任区分配 {id}</translation>
    </message>
    <message>
        <source>Response template of category {category}</source>
        <translation>类别 {category} 的预案</translation>
    </message>
    <message>
        <source>Generating the handover</source>
        <translation>生成交接班</translation>
    </message>
    <message>
        <source>Submitting handover {id}</source>
        <translation>提交交接班 {id}</translation>
    </message>
    <message>
        <source>Signing handover {id}</source>
        <translation>签收交接班 {id}</translation>
    </message>
    <message>
        <source>Sending back handover {id}</source>
        <translation>退回交接班 {id}</translation>
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
    <message>
        <source>the console is offline</source>
        <translation>控制台离线</translation>
    </message>
    <message>
        <source>the server sent a damaged map, or not the one it announced</source>
        <translation>服务器发来的地图已损坏或与公布的版本不符</translation>
    </message>
    <message>
        <source>a fault of the console</source>
        <translation>控制台故障</translation>
    </message>
    <message>
        <source>The grid map could not be loaded: {reason}</source>
        <translation>无法加载网格地图：{reason}</translation>
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
    <name>ConveneDialog</name>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>Not chosen yet: pick it on the map</source>
        <translation>尚未选择：请在地图上选点</translation>
    </message>
    <message>
        <source>Choose at least one agency.</source>
        <translation>请至少选择一个联勤单位。</translation>
    </message>
    <message>
        <source>Choose at least one unit.</source>
        <translation>请至少选择一名人员或车辆。</translation>
    </message>
    <message>
        <source>Choose the commander among the units.</source>
        <translation>请从所选人员中指定现场指挥。</translation>
    </message>
    <message>
        <source>Pick the meeting point on the map.</source>
        <translation>请在地图上选择集合点。</translation>
    </message>
    <message>
        <source>Set the meeting time.</source>
        <translation>请设置集合时间。</translation>
    </message>
    <message>
        <source>Convene a joint operation for case %1</source>
        <translation>为案件 %1 召集联勤行动</translation>
    </message>
    <message>
        <source>Case %1 (%2): the agencies come from the category&apos;s response template.</source>
        <translation>案件 %1（%2）：联勤单位取自该类别的预案。</translation>
    </message>
    <message>
        <source>Convene a joint patrol</source>
        <translation>召集联勤巡查</translation>
    </message>
    <message>
        <source>Choose the agencies and pick the meeting point.</source>
        <translation>请选择联勤单位并选定集合点。</translation>
    </message>
    <message>
        <source>Agencies:</source>
        <translation>联勤单位：</translation>
    </message>
    <message>
        <source>Units (nearest first):</source>
        <translation>人员车辆（由近及远）：</translation>
    </message>
    <message>
        <source>Commander:</source>
        <translation>现场指挥：</translation>
    </message>
    <message>
        <source>Meeting point:</source>
        <translation>集合点：</translation>
    </message>
    <message>
        <source>Meeting time:</source>
        <translation>集合时间：</translation>
    </message>
    <message>
        <source>Instructions:</source>
        <translation>指令：</translation>
    </message>
    <message>
        <source>Save as the category&apos;s template</source>
        <translation>保存为该类别预案</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>预计到达</translation>
    </message>
    <message>
        <source>Last report</source>
        <translation>最近上报</translation>
    </message>
    <message>
        <source>Recommend again</source>
        <translation>重新推荐</translation>
    </message>
    <message>
        <source>Pick on map</source>
        <translation>地图选点</translation>
    </message>
    <message>
        <source>Case location</source>
        <translation>案件位置</translation>
    </message>
    <message>
        <source>Issue orders</source>
        <translation>下达指令</translation>
    </message>
</context>
<context>
    <name>Evaluation</name>
    <message>
        <source>On-time handling rate</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>Handling rate</source>
        <translation>处置率</translation>
    </message>
    <message>
        <source>Overdue-pending rate</source>
        <translation>超期未处置率</translation>
    </message>
    <message>
        <source>Extension rate</source>
        <translation>延期率</translation>
    </message>
    <message>
        <source>Closing rate</source>
        <translation>结案率</translation>
    </message>
    <message>
        <source>On-time closing rate</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <source>Rework rate</source>
        <translation>返工率</translation>
    </message>
    <message>
        <source>Valid-report rate</source>
        <translation>上报准确率</translation>
    </message>
    <message>
        <source>On-time acceptance rate</source>
        <translation>按时受理率</translation>
    </message>
    <message>
        <source>On-time filing rate</source>
        <translation>按时立案率</translation>
    </message>
    <message>
        <source>Accurate filing rate</source>
        <translation>立案准确率</translation>
    </message>
    <message>
        <source>Accurate dispatch rate</source>
        <translation>派遣准确率</translation>
    </message>
    <message>
        <source>On-time dispatch rate</source>
        <translation>按时派遣率</translation>
    </message>
    <message>
        <source>On-time verification rate</source>
        <translation>按时核查率</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Average handling time</source>
        <translation>平均处置时长</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Due for handling</source>
        <translation>应处置数</translation>
    </message>
    <message>
        <source>District</source>
        <translation>全区</translation>
    </message>
    <message>
        <source>Street/town</source>
        <translation>街镇</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>队伍</translation>
    </message>
    <message>
        <source>Person (reporter)</source>
        <translation>人员（上报人）</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <source>Choose the first and the last day.</source>
        <translation>请选择起止日期。</translation>
    </message>
    <message>
        <source>The last day is before the first.</source>
        <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
        <source>The range is {days} days long; at most {limit} can be evaluated.</source>
        <translation>时段共 {days} 天，最多只能评价 {limit} 天。</translation>
    </message>
</context>
<context>
    <name>EvaluationPanel</name>
    <message>
        <source>Not connected: the evaluation is asked for when online.</source>
        <translation>未连接：上线后再查询评价。</translation>
    </message>
    <message>
        <source>Asking the server…</source>
        <translation>正在查询服务器…</translation>
    </message>
    <message>
        <source>{start} – {last} · as of {time} · {count} rows</source>
        <translation>{start} – {last} · 截至 {time} · 共 {count} 行</translation>
    </message>
    <message>
        <source>Export evaluation</source>
        <translation>导出评价</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Could not save {path}: {reason}</source>
        <translation>无法保存 {path}：{reason}</translation>
    </message>
    <message>
        <source>Saved {count} rows to {path}</source>
        <translation>已将 {count} 行保存到 {path}</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Group by</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
</context>
<context>
    <name>FiguresPanel</name>
    <message>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>of {units} units</source>
        <translation>共 {units} 个力量单元</translation>
    </message>
    <message>
        <source>waiting for the server</source>
        <translation>等待服务器</translation>
    </message>
    <message>
        <source>as of {time}</source>
        <translation>截至 {time}</translation>
    </message>
    <message>
        <source>Reported today</source>
        <translation>今日上报</translation>
    </message>
    <message>
        <source>Filed today</source>
        <translation>今日立案</translation>
    </message>
    <message>
        <source>Dispatched today</source>
        <translation>今日派遣</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
    <message>
        <source>On-time handling rate</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>Overdue now</source>
        <translation>当前超期</translation>
    </message>
    <message>
        <source>Joint operations under way</source>
        <translation>联勤行动中</translation>
    </message>
    <message>
        <source>Units on duty</source>
        <translation>在岗单元</translation>
    </message>
</context>
<context>
    <name>HandoverPanel</name>
    <message>
        <source>Export the handover as PDF</source>
        <translation>将交接班导出为 PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>handover-{id}.pdf</source>
        <translation>交接班-{id}.pdf</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>This shift</source>
        <translation>本班</translation>
    </message>
    <message>
        <source>Previous shift</source>
        <translation>上一班</translation>
    </message>
    <message>
        <source>This shift: {shift}</source>
        <translation>本班：{shift}</translation>
    </message>
    <message>
        <source>Previous shift: {shift}</source>
        <translation>上一班：{shift}</translation>
    </message>
    <message>
        <source>Opened: {id}</source>
        <translation>已打开：{id}</translation>
    </message>
    <message>
        <source>No handover generated for this shift yet.</source>
        <translation>本班尚未生成交接班。</translation>
    </message>
    <message>
        <source>The shift is not known yet.</source>
        <translation>尚未获取班次。</translation>
    </message>
    <message>
        <source>revision {revision}</source>
        <translation>第 {revision} 版</translation>
    </message>
    <message>
        <source>handed over by {name}</source>
        <translation>交班人 {name}</translation>
    </message>
    <message>
        <source>signed by {name} at {time}: a record that can no longer change</source>
        <translation>{name} 于 {time} 签收：记录已定稿，不能再修改</translation>
    </message>
    <message>
        <source>sent back by {name}: “{comments}”</source>
        <translation>{name} 退回：“{comments}”</translation>
    </message>
    <message>
        <source>waiting for the incoming supervisor to sign</source>
        <translation>等待接班值班长签收</translation>
    </message>
    <message>
        <source>No packet yet: generate the handover.</source>
        <translation>尚无交接内容：请生成交接班。</translation>
    </message>
    <message>
        <source>{shift} ends at {end} (in {left})</source>
        <translation>{shift}将于 {end} 结束（还剩 {left}）</translation>
    </message>
    <message>
        <source>{ends}: generate the handover packet.</source>
        <translation>{ends}：请生成交接班内容。</translation>
    </message>
    <message>
        <source>Generate now</source>
        <translation>立即生成</translation>
    </message>
    <message>
        <source>{ends}: add your notes and submit the handover.</source>
        <translation>{ends}：请填写说明并提交交接班。</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Generating the handover…</source>
        <translation>正在生成交接班…</translation>
    </message>
    <message>
        <source>Staffing notes</source>
        <translation>人员情况</translation>
    </message>
    <message>
        <source>Equipment notes</source>
        <translation>设备情况</translation>
    </message>
    <message>
        <source>Other matters</source>
        <translation>其他事项</translation>
    </message>
    <message>
        <source>{field} are longer than {limit} characters: shorten them.</source>
        <translation>{field}超过 {limit} 字：请精简。</translation>
    </message>
    <message>
        <source>Submitting the handover…</source>
        <translation>正在提交交接班…</translation>
    </message>
    <message>
        <source>Signing the handover…</source>
        <translation>正在签收交接班…</translation>
    </message>
    <message>
        <source>Write your comments first: they tell the outgoing supervisor what to fix.</source>
        <translation>请先填写意见：告诉交班值班长需要补充什么。</translation>
    </message>
    <message>
        <source>Sending the handover back…</source>
        <translation>正在退回交接班…</translation>
    </message>
    <message>
        <source>The comments are longer than {limit} characters: shorten them.</source>
        <translation>意见超过 {limit} 字：请精简。</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>已取消导出。</translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation>正在写入 {path}…</translation>
    </message>
    <message>
        <source>The PDF could not be written: {reason}</source>
        <translation>无法写入 PDF：{reason}</translation>
    </message>
    <message>
        <source>Handover {id} saved as {path}</source>
        <translation>交接班 {id} 已保存为 {path}</translation>
    </message>
    <message>
        <source>Printing cancelled.</source>
        <translation>已取消打印。</translation>
    </message>
    <message>
        <source>Handover {id} sent to the printer {printer}</source>
        <translation>交接班 {id} 已发送到打印机 {printer}</translation>
    </message>
    <message>
        <source>Not connected: cannot search.</source>
        <translation>未连接：无法查询。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>The search failed: {reason}</source>
        <translation>查询失败：{reason}</translation>
    </message>
    <message>
        <source>{count} handovers found, more to load.</source>
        <translation>已找到 {count} 条交接班，还有更多。</translation>
    </message>
    <message>
        <source>{count} handovers found.</source>
        <translation>已找到 {count} 条交接班。</translation>
    </message>
    <message>
        <source>the server answered with something else (a fault of the server)</source>
        <translation>服务器应答异常（服务器故障）</translation>
    </message>
    <message>
        <source>Select a handover in the list first.</source>
        <translation>请先在列表中选择一条交接班。</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Loading handover {id}…</source>
        <translation>正在加载交接班 {id}…</translation>
    </message>
    <message>
        <source>The handover could not be loaded: {reason}</source>
        <translation>无法加载交接班：{reason}</translation>
    </message>
    <message>
        <source>Handover {id} opened.</source>
        <translation>已打开交接班 {id}。</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>交接班</translation>
    </message>
    <message>
        <source>Past handovers</source>
        <translation>历史交接班</translation>
    </message>
    <message>
        <source>Shift:</source>
        <translation>班次：</translation>
    </message>
    <message>
        <source>Comments of the incoming supervisor</source>
        <translation>接班值班长意见</translation>
    </message>
    <message>
        <source>Silence</source>
        <translation>静音</translation>
    </message>
    <message>
        <source>Required to send back; optional when signing.</source>
        <translation>退回时必填；签收时可选。</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Search: case number, supervisor, notes, comments…</source>
        <translation>搜索：案件编号、值班长、说明、意见…</translation>
    </message>
    <message>
        <source>Any state</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
</context>
<context>
    <name>HandoverReminder</name>
    <message>
        <source>The handover of {shift} is not signed yet ({late} after its end).</source>
        <translation>{shift}的交接班尚未签收（交班时间已过 {late}）。</translation>
    </message>
    <message>
        <source>Reminder: the handover of {shift} is still not signed ({late} after its end).</source>
        <translation>再次提醒：{shift}的交接班仍未签收（交班时间已过 {late}）。</translation>
    </message>
    <message>
        <source>Escalated to the leader on duty: the handover of {shift} is not signed ({late} after its end).</source>
        <translation>已上报值班领导：{shift}的交接班未签收（交班时间已过 {late}）。</translation>
    </message>
</context>
<context>
    <name>HandoverReport</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Submitted, awaiting signature</source>
        <translation>已提交，待接班签收</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Returned twice or more</source>
        <translation>两次及以上退回</translation>
    </message>
    <message>
        <source>Under supervision</source>
        <translation>督办中</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>已生成</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>无。</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>Dept.</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Place and description</source>
        <translation>地点及描述</translation>
    </message>
    <message>
        <source>{shown} of {total} shown.</source>
        <translation>显示 {shown} 条，共 {total} 条。</translation>
    </message>
    <message>
        <source>Shift handover record</source>
        <translation>交接班记录</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>交接单</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Generated at</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Outgoing supervisor</source>
        <translation>交班值班长</translation>
    </message>
    <message>
        <source>Incoming supervisor</source>
        <translation>接班值班长</translation>
    </message>
    <message>
        <source>Submitted at</source>
        <translation>提交时间</translation>
    </message>
    <message>
        <source>Signed at</source>
        <translation>签收时间</translation>
    </message>
    <message>
        <source>Shift figures</source>
        <translation>本班数据</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接报</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>On-time rate</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Urged</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Open cases by state ({total})</source>
        <translation>在办案件（按状态，共 {total} 件）</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <source>Joint operations in progress</source>
        <translation>进行中的联勤联动</translation>
    </message>
    <message>
        <source>Notable incidents</source>
        <translation>重点事项</translation>
    </message>
    <message>
        <source>Open alarms</source>
        <translation>未消除的预警</translation>
    </message>
    <message>
        <source>Staffing</source>
        <translation>人员情况</translation>
    </message>
    <message>
        <source>Units on duty</source>
        <translation>在岗单元</translation>
    </message>
    <message>
        <source>Without a recent position</source>
        <translation>定位超时</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Notes of the outgoing supervisor</source>
        <translation>交班值班长备注</translation>
    </message>
    <message>
        <source>Equipment</source>
        <translation>设备情况</translation>
    </message>
    <message>
        <source>Other matters</source>
        <translation>其他事项</translation>
    </message>
    <message>
        <source>Comments of the incoming supervisor</source>
        <translation>接班值班长意见</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>流转记录</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>At</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Handed over by: {outgoing}    Taken over by: {incoming}</source>
        <translation>交班人：{outgoing}    接班人：{incoming}</translation>
    </message>
    <message>
        <source>Shift handover {id}</source>
        <translation>交接班 {id}</translation>
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
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} 分 {seconds} 秒</translation>
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
        <source>Age</source>
        <translation>已历时</translation>
    </message>
    <message>
        <source>Closed at</source>
        <translation>结案时间</translation>
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
        <source>Reported {time}</source>
        <translation>上报于 {time}</translation>
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
        <source>Time in status</source>
        <translation>状态持续</translation>
    </message>
    <message>
        <source>Current task</source>
        <translation>当前任务</translation>
    </message>
    <message>
        <source>Last report</source>
        <translation>最近上报</translation>
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
    <name>Joint</name>
    <message>
        <source>On duty</source>
        <translation>在岗</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>可调派</translation>
    </message>
    <message>
        <source>En route</source>
        <translation>前往中</translation>
    </message>
    <message>
        <source>On scene</source>
        <translation>到场</translation>
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
        <source>Stale / offline</source>
        <translation>失联</translation>
    </message>
    <message>
        <source>Agency / team</source>
        <translation>单位 / 队伍</translation>
    </message>
    <message>
        <source>Joint operation {id}</source>
        <translation>联勤行动 {id}</translation>
    </message>
    <message>
        <source>Longer than {limit} in this status</source>
        <translation>本状态已超过 {limit}</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>行动</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Agencies</source>
        <translation>联勤单位</translation>
    </message>
    <message>
        <source>Commander</source>
        <translation>现场指挥</translation>
    </message>
    <message>
        <source>Meeting time</source>
        <translation>集合时间</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>已到达</translation>
    </message>
    <message>
        <source>Not acknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Notified</source>
        <translation>已通知</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Released</source>
        <translation>已解散</translation>
    </message>
    <message>
        <source>Joint order not acknowledged</source>
        <translation>联勤指令未确认</translation>
    </message>
    <message>
        <source>Case overdue</source>
        <translation>案件超期</translation>
    </message>
    <message>
        <source>Too long in status</source>
        <translation>状态持续过长</translation>
    </message>
    <message>
        <source>Deadline near</source>
        <translation>临近时限</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Concerns</source>
        <translation>涉及</translation>
    </message>
    <message>
        <source>Since / due</source>
        <translation>开始 / 时限</translation>
    </message>
    <message>
        <source>For</source>
        <translation>持续</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>To</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>{n} cells</source>
        <translation>{n} 个网格</translation>
    </message>
    <message>
        <source>{n} streets/towns</source>
        <translation>{n} 个街镇</translation>
    </message>
    <message>
        <source>Convened</source>
        <translation>已召集</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>行动中</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Replaced</source>
        <translation>已替换</translation>
    </message>
    <message>
        <source>Convening</source>
        <translation>召集</translation>
    </message>
    <message>
        <source>Adding a unit</source>
        <translation>增派</translation>
    </message>
    <message>
        <source>Replacing a unit</source>
        <translation>替换</translation>
    </message>
    <message>
        <source>Acknowledgement</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Departure</source>
        <translation>出发</translation>
    </message>
    <message>
        <source>Arrival</source>
        <translation>到达</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>解散</translation>
    </message>
    <message>
        <source>Completion</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Cancellation</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>JointDesk</name>
    <message>
        <source>Convene joint patrol…</source>
        <translation>召集联勤巡查…</translation>
    </message>
    <message>
        <source>Assign patrol area…</source>
        <translation>分配责任区…</translation>
    </message>
    <message>
        <source>Not connected: the coverage cannot be read now.</source>
        <translation>未连接：暂时无法读取覆盖率。</translation>
    </message>
    <message>
        <source>The coverage could not be read: %1</source>
        <translation>无法读取覆盖率：%1</translation>
    </message>
</context>
<context>
    <name>JointPanel</name>
    <message>
        <source>Not acknowledged in time: %1</source>
        <translation>未按时确认：%1</translation>
    </message>
    <message>
        <source>Add a unit</source>
        <translation>增派人员</translation>
    </message>
    <message>
        <source>Nearest available units of the operation&apos;s agencies:</source>
        <translation>本次行动各单位最近的可调派力量：</translation>
    </message>
    <message>
        <source>Replace %1</source>
        <translation>替换 %1</translation>
    </message>
    <message>
        <source>Nearest available units of the same agency:</source>
        <translation>同单位最近的可调派力量：</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Complete joint operation %1</source>
        <translation>完成联勤行动 %1</translation>
    </message>
    <message>
        <source>The outcome goes into the case&apos;s history.</source>
        <translation>处置结果将记入案件流转记录。</translation>
    </message>
    <message>
        <source>Outcome (required)</source>
        <translation>处置结果（必填）</translation>
    </message>
    <message>
        <source>Cancel joint operation %1</source>
        <translation>取消联勤行动 %1</translation>
    </message>
    <message>
        <source>Every unit is released.</source>
        <translation>所有人员将解散。</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>Convene…</source>
        <translation>召集…</translation>
    </message>
    <message>
        <source>Add unit…</source>
        <translation>增派…</translation>
    </message>
    <message>
        <source>Replace unit…</source>
        <translation>替换…</translation>
    </message>
    <message>
        <source>Release unit</source>
        <translation>解散该人员</translation>
    </message>
    <message>
        <source>Complete…</source>
        <translation>完成…</translation>
    </message>
    <message>
        <source>Cancel operation…</source>
        <translation>取消行动…</translation>
    </message>
    <message>
        <source>Acknowledge reminder</source>
        <translation>确认提醒</translation>
    </message>
</context>
<context>
    <name>LiveMap</name>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message numerus="yes">
        <source>%n cases here (click to zoom in)</source>
        <translation>
            <numerusform>此处 %n 件案件（点击放大）</numerusform>
        </translation>
    </message>
    <message>
        <source>Last report %1 s ago</source>
        <translation>最后上报于 %1 秒前</translation>
    </message>
    <message>
        <source>Never reported</source>
        <translation>从未上报</translation>
    </message>
    <message>
        <source>Stale: no recent report</source>
        <translation>定位超时：近期无上报</translation>
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
    <name>MapPanel</name>
    <message>
        <source>none available</source>
        <translation>无可用力量</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>Follow this unit</source>
        <translation>跟随此单元</translation>
    </message>
    <message>
        <source>Who is near this case</source>
        <translation>查看案件周边力量</translation>
    </message>
    <message>
        <source>New case here</source>
        <translation>在此新建案件</translation>
    </message>
    <message>
        <source>Clear nearby units</source>
        <translation>清除周边力量</translation>
    </message>
    <message>
        <source>cell %1</source>
        <translation>网格 %1</translation>
    </message>
    <message>
        <source>visited this shift: %1 %</source>
        <translation>本班已巡查：%1%</translation>
    </message>
    <message>
        <source>Cells:</source>
        <translation>网格着色：</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <source>Patrol coverage this shift</source>
        <translation>本班巡查覆盖</translation>
    </message>
    <message>
        <source>Cells</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Boundaries</source>
        <translation>边界</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>地名</translation>
    </message>
    <message>
        <source>Patrol area</source>
        <translation>巡查责任区</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Overdue pulse</source>
        <translation>超期闪烁</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>力量</translation>
    </message>
    <message>
        <source>Trails</source>
        <translation>轨迹</translation>
    </message>
    <message>
        <source>Joint operations</source>
        <translation>联勤行动</translation>
    </message>
    <message>
        <source>Nearby units</source>
        <translation>周边力量</translation>
    </message>
    <message>
        <source>Opacity of %1</source>
        <translation>%1 透明度</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Keep the selected unit in the centre</source>
        <translation>使所选单元保持在地图中央</translation>
    </message>
    <message>
        <source>Who is near</source>
        <translation>周边力量</translation>
    </message>
    <message>
        <source>Nearest available units per agency to the selected case</source>
        <translation>所选案件附近各部门最近的可用力量</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>预计到达</translation>
    </message>
    <message>
        <source>No basemap</source>
        <translation>无底图</translation>
    </message>
    <message>
        <source>Opacity of the basemap</source>
        <translation>底图透明度</translation>
    </message>
    <message>
        <source>Whole district</source>
        <translation>全区</translation>
    </message>
    <message>
        <source>At the centre</source>
        <translation>中心处理中</translation>
    </message>
    <message>
        <source>With a department</source>
        <translation>部门处置中</translation>
    </message>
    <message>
        <source>Awaiting verification</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>缓办</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>Click the map where the case is.</source>
        <translation>请在地图上点击案件所在位置。</translation>
    </message>
    <message>
        <source>{metres} m</source>
        <translation>{metres} 米</translation>
    </message>
    <message>
        <source>Possible duplicates: {count} open case(s) of this category within {metres} m in the last {days} days. Open one instead, or save a new case.</source>
        <translation>可能重复：有 {count} 件同类未结案件位于 {metres} 米范围内、近 {days} 天内上报。可改为打开其中一件，或仍保存为新案件。</translation>
    </message>
    <message>
        <source>No open case of this category within {metres} m in the last {days} days.</source>
        <translation>{metres} 米范围内近 {days} 天没有同类未结案件。</translation>
    </message>
    <message>
        <source>Saving… waiting for the server.</source>
        <translation>正在保存…等待服务器响应。</translation>
    </message>
    <message>
        <source>Saved as case {number}.</source>
        <translation>已保存，案件编号 {number}。</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>未保存：{reason}</translation>
    </message>
    <message>
        <source>Save the case (Ctrl+Enter)</source>
        <translation>保存案件（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>The city map has not arrived yet.</source>
        <translation>城市网格地图尚未加载。</translation>
    </message>
    <message>
        <source>Not placed yet: type an address or a cell code, or pick on the map.</source>
        <translation>尚未定位：请输入地址或网格编码，或在地图上选点。</translation>
    </message>
    <message>
        <source>from the address</source>
        <translation>按地址定位</translation>
    </message>
    <message>
        <source>from the cell code</source>
        <translation>按网格编码定位</translation>
    </message>
    <message>
        <source>picked on the map</source>
        <translation>地图选点</translation>
    </message>
    <message>
        <source>Cell {cell} · {community} · {street} ({position}), {via}</source>
        <translation>网格 {cell} · {community} · {street}（{position}），{via}</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Caller&apos;s name</source>
        <translation>来电人姓名</translation>
    </message>
    <message>
        <source>Caller&apos;s phone</source>
        <translation>来电人电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Cell code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>type an address or a cell code, or pick a point on the map</source>
        <translation>请输入地址或网格编码，或在地图上选点</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>longer than {limit} characters</source>
        <translation>超过 {limit} 个字符</translation>
    </message>
    <message>
        <source>no category matches “{text}”</source>
        <translation>没有与“{text}”匹配的类别</translation>
    </message>
    <message>
        <source>“{text}” is not a phone number: a mobile has 11 digits starting with 1, a landline 7 or 8 digits, after an area code starting with 0</source>
        <translation>“{text}”不是有效的电话号码：手机号为以 1 开头的 11 位数字，固定电话为 7 或 8 位数字，可带以 0 开头的区号</translation>
    </message>
    <message>
        <source>no street, town or community of the city is named in “{text}”</source>
        <translation>“{text}”中没有本区的街道、镇或社区名称</translation>
    </message>
    <message>
        <source>{place} has no grid cell on the city map</source>
        <translation>{place}在城市网格地图上没有网格</translation>
    </message>
    <message>
        <source>{length} characters; a cell code has {expected}</source>
        <translation>共 {length} 位；网格编码应为 {expected} 位</translation>
    </message>
    <message>
        <source>contains “{character}”; only digits are allowed</source>
        <translation>含有“{character}”；只能是数字</translation>
    </message>
    <message>
        <source>contains “{character}”; only digits and capital letters are allowed</source>
        <translation>含有“{character}”；只能是数字和大写字母</translation>
    </message>
    <message>
        <source>there is no cell {code} on the city map</source>
        <translation>城市网格地图上没有网格 {code}</translation>
    </message>
    <message>
        <source>the point ({lat}, {lon}) is outside every grid cell</source>
        <translation>点（{lat}, {lon}）不在任何网格内</translation>
    </message>
    <message>
        <source>the city map has not arrived yet</source>
        <translation>城市网格地图尚未加载</translation>
    </message>
    <message>
        <source>{field}: {problem}</source>
        <translation>{field}：{problem}</translation>
    </message>
    <message>
        <source>New case — taking a call</source>
        <translation>新建案件 — 受理来电</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Code, name or pinyin initials (e.g. bllj for 暴露垃圾)</source>
        <translation>编码、名称或拼音首字母（如 bllj 即暴露垃圾）</translation>
    </message>
    <message>
        <source>What the caller reports</source>
        <translation>来电人反映的问题</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>选填</translation>
    </message>
    <message>
        <source>Optional, e.g. 138 1234 5678</source>
        <translation>选填，如 138 1234 5678</translation>
    </message>
    <message>
        <source>Only a citizen&apos;s report (12345 hotline, 110/119/120 transfer) names the caller</source>
        <translation>仅市民来源（12345 热线、110/119/120 转办）记录来电人</translation>
    </message>
    <message>
        <source>Street, town or community, then the rest of the address</source>
        <translation>先写街道、镇或社区，再写详细地址</translation>
    </message>
    <message>
        <source>Grid cell code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Pick on map</source>
        <translation>地图选点</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Open the selected case instead</source>
        <translation>改为打开所选案件</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Address or description</source>
        <translation>地址或描述</translation>
    </message>
</context>
<context>
    <name>NewCaseLauncher</name>
    <message>
        <source>New case…</source>
        <translation>新建案件…</translation>
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
        <source>Team board</source>
        <translation>力量看板</translation>
    </message>
    <message>
        <source>Joint operations</source>
        <translation>联勤行动</translation>
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
    <message>
        <source>Evaluation</source>
        <translation>综合评价</translation>
    </message>
</context>
<context>
    <name>PatrolDialog</name>
    <message>
        <source>Choose at least one unit (select units on the board).</source>
        <translation>请至少选择一名人员（在看板上选择）。</translation>
    </message>
    <message>
        <source>Select cells on the map, or tick streets/towns, for the area.</source>
        <translation>请在地图上选择网格，或勾选街镇。</translation>
    </message>
    <message>
        <source>Assign patrol area</source>
        <translation>分配责任区</translation>
    </message>
    <message>
        <source>Units:</source>
        <translation>人员车辆：</translation>
    </message>
    <message>
        <source>Cells:</source>
        <translation>网格着色：</translation>
    </message>
    <message>
        <source>Whole streets/towns:</source>
        <translation>整个街镇：</translation>
    </message>
    <message>
        <source>Shift:</source>
        <translation>班次：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message numerus="yes">
        <source>%n cell(s) selected on the map</source>
        <translation>
            <numerusform>地图上已选 %n 个网格</numerusform>
        </translation>
    </message>
    <message>
        <source>none selected on the map</source>
        <translation>地图上未选择</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Not an image</source>
        <translation>不是图片</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
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
    <name>RankingsPanel</name>
    <message>
        <source>Streets and towns by on-time handling rate, today</source>
        <translation>今日街镇按期处置率排名</translation>
    </message>
    <message>
        <source>Departments by on-time handling rate, today</source>
        <translation>今日部门按期处置率排名</translation>
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
    <name>ShiftBoardPanel</name>
    <message>
        <source>Who is signed in is unknown: {reason}</source>
        <translation>无法获取在岗人员：{reason}</translation>
    </message>
    <message>
        <source>The earlier shifts could not be loaded.</source>
        <translation>无法加载此前班次。</translation>
    </message>
    <message>
        <source>now</source>
        <translation>本班</translation>
    </message>
    <message>
        <source>Shift: not known yet</source>
        <translation>班次：尚未获取</translation>
    </message>
    <message>
        <source>{shift} · {start}–{end} · figures as of {time}</source>
        <translation>{shift} · {start}–{end} · 数据截至 {time}</translation>
    </message>
    <message>
        <source>Overdue ({count})</source>
        <translation>超期（{count}）</translation>
    </message>
    <message>
        <source>Unacknowledged alarms ({count})</source>
        <translation>未确认预警（{count}）</translation>
    </message>
    <message>
        <source>Joint operations ({count})</source>
        <translation>联勤联动（{count}）</translation>
    </message>
    <message>
        <source>Returned twice ({count})</source>
        <translation>两次以上回退（{count}）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Acknowledge all</source>
        <translation>全部确认</translation>
    </message>
</context>
<context>
    <name>ShiftFigureTiles</name>
    <message>
        <source>Received</source>
        <translation>接报</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>On-time rate</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Urged</source>
        <translation>督办</translation>
    </message>
</context>
<context>
    <name>ShiftModels</name>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Shift supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>领导</translation>
    </message>
    <message>
        <source>Field staff</source>
        <translation>一线人员</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>指挥台</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>终端</translation>
    </message>
    <message>
        <source>Simulator</source>
        <translation>模拟器</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>Place and description</source>
        <translation>地点及描述</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Signed in at</source>
        <translation>登录位置</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>登录时间</translation>
    </message>
    <message>
        <source>Open cases held</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>交接单</translation>
    </message>
    <message>
        <source>Handed over by</source>
        <translation>交班人</translation>
    </message>
    <message>
        <source>Taken over by</source>
        <translation>接班人</translation>
    </message>
    <message>
        <source>Signed at</source>
        <translation>签收时间</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退回次数</translation>
    </message>
</context>
<context>
    <name>ShiftTrend</name>
    <message>
        <source>Received</source>
        <translation>接报</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
</context>
<context>
    <name>ShiftWatch</name>
    <message>
        <source>no answer from the server</source>
        <translation>服务器无应答</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
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
<context>
    <name>TeamBoardPanel</name>
    <message>
        <source>%1 (%2): %3 units on the roster</source>
        <translation>%1（%2）：名册共 %3 人</translation>
    </message>
    <message>
        <source>Reading the track…</source>
        <translation>正在读取轨迹…</translation>
    </message>
    <message>
        <source>Coverage of %1 this shift: %2 % (%3 of %4 cells visited, %5 fixes)</source>
        <translation>%1 本班次覆盖率：%2 %（已到 %3/%4 个网格，%5 个定位点）</translation>
    </message>
    <message>
        <source>Withdraw patrol assignment %1</source>
        <translation>撤销责任区分配 %1</translation>
    </message>
    <message>
        <source>The unit no longer patrols this area.</source>
        <translation>该人员将不再巡查此区域。</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>All streets/towns</source>
        <translation>全部街镇</translation>
    </message>
    <message>
        <source>All agencies</source>
        <translation>全部单位</translation>
    </message>
    <message>
        <source>Search: call sign, team, status…</source>
        <translation>搜索：呼号、队伍、状态…</translation>
    </message>
    <message>
        <source>Roster of the current shift</source>
        <translation>本班次在岗名册</translation>
    </message>
    <message>
        <source>Acknowledge alarm</source>
        <translation>确认告警</translation>
    </message>
    <message>
        <source>Convene joint patrol…</source>
        <translation>召集联勤巡查…</translation>
    </message>
    <message>
        <source>Assign patrol area…</source>
        <translation>分配责任区…</translation>
    </message>
    <message>
        <source>Show coverage</source>
        <translation>显示覆盖情况</translation>
    </message>
    <message>
        <source>Hide coverage</source>
        <translation>隐藏覆盖情况</translation>
    </message>
    <message>
        <source>Withdraw…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>力量</translation>
    </message>
    <message>
        <source>Patrol areas</source>
        <translation>责任区</translation>
    </message>
</context>
<context>
    <name>TickerPanel</name>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>No new urgent cases</source>
        <translation>暂无新的紧急案件</translation>
    </message>
</context>
<context>
    <name>UrgentBanner</name>
    <message>
        <source>{urgency} case {number}: {category}, {address}</source>
        <translation>{urgency}案件 {number}：{category}，{address}</translation>
    </message>
    <message>
        <source>New urgent case. {latest}</source>
        <translation>新紧急案件。{latest}</translation>
    </message>
    <message>
        <source>{count} new urgent cases. Latest: {latest}</source>
        <translation>{count} 件新紧急案件。最新：{latest}</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Acknowledge ({shortcut})</source>
        <translation>确认（{shortcut}）</translation>
    </message>
</context>
<context>
    <name>Wall</name>
    <message>
        <source>Pause wall page rotation</source>
        <translation>暂停大屏翻页</translation>
    </message>
    <message>
        <source>Next wall page</source>
        <translation>大屏下一页</translation>
    </message>
    <message>
        <source>Wall night palette</source>
        <translation>大屏夜间配色</translation>
    </message>
    <message>
        <source>Wall palette by time of day</source>
        <translation>大屏按时段切换配色</translation>
    </message>
</context>
</TS>
