"""Demo data of the warranty area (SV-18 … SV-20): the group's maintenance plans, a
knowledge base of real-world Volkswagen cases, and each store's equipment ledger with
instruments in every calibration state and special tools on loan. Warranty claims come
from the demo's repair orders (``claim_create_from_repair_order``), not from here."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from siwei.core import clock
from siwei.crm.models import VehicleModel
from siwei.demo.builder import DemoContext

from .models import EquipmentKind, KnowledgeEntry, MaintenancePlan, ToolLoan
from .services.equipment import (
    calibration_record,
    equipment_create,
    equipment_log,
    tool_lend,
    tool_return,
)
from .services.knowledge import knowledge_approve, knowledge_create

# title, models (names; empty = every model), symptom, diagnosis, cause, fix, parts
CASES = [
    ("冷车启动怠速抖动", ["朗逸", "宝来"],
     "冷车启动后怠速抖动明显，转速在600-900转之间波动，热车后减轻，偶发发动机故障灯点亮。",
     "读取故障码P0300/P0301（随机/1缸失火），测试火花塞、点火线圈正常，查看节气门开度数据偏大。",
     "节气门体积碳严重，怠速进气量不稳定。",
     "拆下节气门体清洗积碳，用诊断仪执行节气门基本设定（匹配），路试确认怠速稳定。",
     "节气门体清洗剂"),
    ("EA211发动机冷启动“哒哒”异响", ["朗逸", "速腾", "宝来"],
     "早上冷车启动后发动机前部有明显“哒哒”声，持续约3-5秒后消失。",
     "听诊器确认异响来自正时皮带侧，拆下正时罩检查张紧轮有旷量。",
     "正时皮带张紧轮轴承磨损，冷态下间隙大。",
     "更换正时皮带、张紧轮和惰轮，按标准对正时并用专用工具T10340固定凸轮轴。",
     "04E109243 张紧轮；04E109119 正时皮带"),
    ("DSG七速双离合起步和低速顿挫", ["迈腾", "速腾"],
     "1-2挡、2-3挡升挡时顿挫，堵车时低速跟车冲击明显。",
     "读取变速箱数据块，离合器K1接合压力偏差大，机电单元存储P177D。",
     "DQ200机电单元离合器压力调节异常，离合器自适应值偏离。",
     "升级变速箱软件，执行离合器基本设定和自适应行驶；若仍不良更换机电单元。",
     "0AM927769 机电单元"),
    ("空调出风有霉味", [],
     "开空调后出风口有明显霉味，尤其是刚启动时，内循环更严重。",
     "检查空调滤芯发黑潮湿，用内窥镜查看蒸发箱表面有霉斑。",
     "蒸发箱表面潮湿滋生霉菌，空调滤芯长期未更换。",
     "泡沫清洗蒸发箱并杀菌，更换空调滤芯；建议客户熄火前2分钟关闭A/C吹干蒸发箱。",
     "空调滤芯；蒸发箱清洗剂"),
    ("过减速带前部底盘“咯噔”异响", ["宝来", "朗逸", "速腾"],
     "低速过减速带或颠簸路面时前部底盘有“咯噔”声。",
     "举升车辆，撬动检查前稳定杆连杆球头有明显旷量。",
     "前稳定杆连杆球头松旷。",
     "更换左右前稳定杆连杆，按规定扭矩紧固，路试确认异响消除。",
     "5Q0411315 稳定杆连杆"),
    ("交流慢充无法充电，充电口指示灯红色", ["ID.4 X"],
     "家用充电桩插枪后充电口指示灯变红，无法开始充电，直流快充正常。",
     "读取故障码，充电口锁止电机位置反馈异常，测量锁止电机插头针脚腐蚀。",
     "交流充电口锁止执行器插头进水腐蚀，锁止状态无法确认。",
     "清洁插头并做防水处理，更换充电口锁止执行器，升级充电控制单元软件。",
     "充电口锁止执行器"),
    ("机油消耗过大（每千公里约1升）", ["迈腾", "途观L"],
     "客户反映两次保养之间需要补加机油，无外漏痕迹。",
     "做机油消耗测试，拆检发现活塞环卡滞，曲轴箱通风阀膜片破损。",
     "EA888发动机活塞环积碳卡滞，油气分离器膜片破损导致机油被吸入燃烧室。",
     "更换油气分离器（PCV阀），清洗活塞环积碳；消耗仍超标时更换活塞环。",
     "06H103495 油气分离器"),
    ("高速100公里/小时左右方向盘抖动", ["途岳", "途观L"],
     "车速90-110公里/小时方向盘明显抖动，其他车速正常。",
     "检查轮胎无鼓包，上动平衡机检测左前轮不平衡量45克。",
     "左前轮动平衡失准（平衡块脱落）。",
     "四轮重新做动平衡，检查轮辋无变形，路试确认抖动消除。",
     "平衡块"),
    ("EPC灯亮，加速无力", ["朗逸", "宝来"],
     "行驶中EPC灯点亮，踩油门发动机转速上不去，熄火重启后短时恢复。",
     "读取故障码P2138（油门踏板位置传感器1/2信号不一致）。",
     "电子油门踏板传感器内部磨损，两路信号偏差超限。",
     "更换电子油门踏板总成，清除故障码并路试。",
     "电子油门踏板"),
    ("后备箱底部积水", ["速腾"],
     "雨后打开后备箱发现备胎槽内积水。",
     "做淋水试验，发现左侧尾灯周围渗水。",
     "左尾灯密封胶条老化变形。",
     "更换尾灯密封胶条，清理备胎槽积水并吹干，复查淋水试验无渗漏。",
     "尾灯密封条"),
    ("四驱故障灯亮，四驱不工作", ["途观L"],
     "仪表提示四驱系统故障，湿滑路面起步打滑。",
     "读取故障码，四驱控制单元报油泵压力不足，拆检滤网堵塞。",
     "瀚德（Haldex）四驱耦合器油泵滤网堵塞，油液老化。",
     "清洗或更换滤网，更换四驱油，执行基本设定；建议每4万公里更换四驱油。",
     "0CQ598574 四驱油；滤网"),
    ("电子手刹故障灯亮，手刹无法释放", ["迈腾"],
     "熄火后再次启动，电子手刹故障灯常亮，手刹无法释放。",
     "读取故障码，左后制动钳电机电流异常。",
     "左后卡钳电机内部齿轮卡滞。",
     "更换左后卡钳电机，用诊断仪进入保养模式打开/关闭卡钳并做基本设定。",
     "3C0998281 卡钳电机"),
    ("天窗漏水，A柱顶棚湿", ["朗逸", "速腾", "迈腾"],
     "下雨后左前A柱上方顶棚潮湿，有水滴落。",
     "打开天窗向排水槽倒水，左前排水口不出水。",
     "天窗左前排水管被树叶和灰尘堵塞。",
     "用细钢丝和压缩空气疏通排水管，清理天窗槽，晾干顶棚。",
     ""),
    ("停放数天后12V蓄电池亏电无法上电", ["ID.4 X"],
     "车辆停放3-4天后无法解锁上电，需搭电。",
     "做休眠电流测试，网关唤醒后不能进入休眠，休眠电流约300mA。",
     "网关软件版本问题导致总线无法正常休眠。",
     "按厂家技术通报升级整车软件，复测休眠电流小于20mA，给12V蓄电池补电。",
     ""),
    ("刹车时方向盘和踏板抖动", ["宝来", "朗逸"],
     "高速踩刹车时方向盘和刹车踏板抖动。",
     "百分表测量前刹车盘端面跳动0.12毫米，超过限值。",
     "前刹车盘受热变形。",
     "更换前刹车盘和刹车片，按对角顺序紧固车轮螺栓至规定扭矩。",
     "前刹车盘；前刹车片"),
    ("冷却液缺少，发动机舱有甜味", ["迈腾", "途观L", "途岳"],
     "仪表提示冷却液液位低，补加后几周又低，发动机舱有甜味。",
     "做冷却系统压力测试，节温器壳体（水泵总成）结合处有粉红色结晶。",
     "EA888第三代水泵/节温器总成塑料壳体变形渗漏。",
     "更换水泵节温器总成，加注G13冷却液并排空气。",
     "06L121111 水泵总成；G13冷却液"),
    ("中控大屏黑屏、自动重启", ["速腾", "迈腾"],
     "行驶中中控屏突然黑屏，数秒后自动重启，频率每周数次。",
     "读取信息娱乐系统故障码，软件版本低于技术通报要求。",
     "信息娱乐主机软件缺陷。",
     "用SVM在线升级主机软件，断电复位，观察一周无复发。",
     ""),
    ("倒车影像黑屏或雪花", ["迈腾"],
     "挂倒挡后屏幕显示黑屏或雪花，雨天更容易出现。",
     "检查后摄像头插头，有水迹和绿锈。",
     "尾门后摄像头插头密封不良进水腐蚀。",
     "更换摄像头插头线束，做防水密封，必要时更换摄像头。",
     "后视摄像头"),
    ("行驶中水温过高报警", ["朗逸"],
     "堵车时水温表升高，仪表提示冷却液温度过高。",
     "检查冷却液充足，水温105度时电子风扇不转，测量风扇控制模块无输出。",
     "散热风扇控制模块损坏。",
     "更换散热风扇总成（含控制模块），测试风扇高低速工作正常。",
     "散热风扇总成"),
    ("怠速时空调不凉，行驶中正常", ["途岳", "途观L"],
     "等红灯时空调出风变热，车辆行驶起来又变凉。",
     "连接冷媒加注机，压力正常，诊断仪读取压缩机调节阀N280电流偏低。",
     "空调压缩机调节阀N280卡滞。",
     "更换压缩机调节阀，回收并重新定量加注冷媒。",
     "N280 调节阀；R134a冷媒"),
    ("无钥匙进入失灵，需用机械钥匙开门", ["迈腾", "途观L"],
     "靠近车辆拉门把手无反应，按遥控钥匙可以解锁。",
     "读取舒适系统故障码，左前门把手传感器断路。",
     "左前门外把手电容传感器损坏。",
     "更换左前门外把手传感器，做无钥匙进入功能测试。",
     "门把手传感器"),
    ("发动机故障灯亮，故障码P0420", ["宝来", "速腾"],
     "发动机故障灯常亮，车辆无明显异常。",
     "读取故障码P0420（催化器效率低），对比前后氧传感器波形，后氧波形与前氧相近。",
     "三元催化器老化，储氧能力下降。",
     "检查排除失火和烧机油原因后更换三元催化器，清除故障码并做就绪测试。",
     "三元催化器"),
    ("车窗升降异响，玻璃自行下滑", ["速腾", "宝来"],
     "右前车窗升降时“咔咔”响，关到顶后玻璃会慢慢滑下。",
     "拆开门板检查玻璃升降器拉线断股。",
     "右前玻璃升降器拉线断裂。",
     "更换右前玻璃升降器，执行车窗防夹初始化。",
     "玻璃升降器"),
    ("胎压报警灯频繁点亮，胎压正常", ["途观L", "途岳"],
     "仪表胎压报警灯经常点亮，实测四轮胎压正常。",
     "更换过轮胎后未做胎压学习，检查左后轮速传感器信号偶有中断。",
     "间接式胎压监测未重新学习，左后轮速传感器插头松动。",
     "紧固轮速传感器插头，四轮充至标准胎压后执行胎压学习。",
     ""),
    ("空调制冷时前舱高频啸叫", ["ID.4 X"],
     "开空调制冷时前舱有高频啸叫，车内能听到。",
     "用听诊器确认噪音来自电动空调压缩机，支架隔振垫开裂。",
     "电动压缩机支架隔振垫老化开裂，振动传到车身。",
     "更换压缩机隔振垫并按规定扭矩紧固。",
     "压缩机隔振垫"),
    ("大灯内部起雾", ["迈腾", "朗逸"],
     "洗车或下雨后大灯内侧起雾，长时间不散。",
     "检查大灯后盖和透气管，透气管脱落。",
     "大灯透气管脱落，潮气进入不能排出。",
     "重新安装透气管，拆下后盖吹干大灯内部，检查密封圈。",
     ""),
    ("自动启停功能不工作", ["速腾", "迈腾", "途观L"],
     "仪表提示启停功能不可用，长时间不起作用。",
     "读取蓄电池数据，AGM蓄电池健康度低于60%。",
     "AGM蓄电池老化，电量管理禁止启停。",
     "更换同规格AGM蓄电池，用诊断仪做蓄电池匹配。",
     "AGM蓄电池"),
    ("行驶中左前门“咯吱”异响", ["途观L"],
     "颠簸路面行驶时左前门附近有“咯吱”声。",
     "路试和拆检，门板卡扣松脱，门铰链缺润滑。",
     "左前门板卡扣松脱，门限位器缺油。",
     "更换门板卡扣，润滑门铰链和限位器，粘贴防异响绒布。",
     "门板卡扣"),
    ("油耗突然升高约2升/百公里", ["朗逸", "宝来"],
     "近期市区油耗由7升升到9升以上，无故障灯。",
     "读取数据流，长期燃油修正+12%，检查空气滤芯严重堵塞，前氧传感器响应慢。",
     "空气滤芯堵塞，前氧传感器老化。",
     "更换空气滤芯和前氧传感器，清除燃油修正自适应值。",
     "空气滤芯；前氧传感器"),
    ("发动机舱有机油味，气门室盖渗油", ["速腾", "迈腾"],
     "停车后闻到机油烧焦味，发动机舱排气侧有油迹。",
     "清洁后复查，气门室盖垫片边缘渗油滴到排气歧管。",
     "气门室盖垫片老化渗漏。",
     "更换气门室盖垫片，按顺序紧固螺栓，清洁排气歧管油污。",
     "气门室盖垫片"),
]

# asset number, name, kind, make, location, cycle days, state ("green", "yellow", "red")
EQUIPMENT = [
    ("SB-001", "双柱举升机", EquipmentKind.EQUIPMENT, "元征 TLT240SC", "机修工位1", None, None),
    ("SB-002", "双柱举升机", EquipmentKind.EQUIPMENT, "元征 TLT240SC", "机修工位2", None, None),
    ("SB-003", "剪式举升机", EquipmentKind.EQUIPMENT, "百斯巴特 PHS3.0", "快修工位", None, None),
    ("SB-004", "四轮定位仪", EquipmentKind.EQUIPMENT, "亨特 Hawkeye Elite", "定位工位", None,
     None),
    ("SB-005", "轮胎拆装机", EquipmentKind.EQUIPMENT, "科吉 C3DS", "轮胎间", None, None),
    ("SB-006", "车轮动平衡机", EquipmentKind.EQUIPMENT, "科吉 EM9250", "轮胎间", None, None),
    ("SB-007", "空调冷媒回收加注机", EquipmentKind.EQUIPMENT, "罗宾耐尔 AC1234", "空调工位",
     None, None),
    ("SB-008", "诊断仪 VAS 6150E", EquipmentKind.EQUIPMENT, "大众 ODIS", "车间办公室", None,
     None),
    ("JL-001", "尾气分析仪", EquipmentKind.INSTRUMENT, "佛分 FGA-4100", "检测线", 365, "green"),
    ("JL-002", "扭力扳手 40-200Nm", EquipmentKind.INSTRUMENT, "V.A.G 1332", "工具室", 180,
     "yellow"),
    ("JL-003", "扭力扳手 5-50Nm", EquipmentKind.INSTRUMENT, "V.A.G 1331", "工具室", 180,
     "green"),
    ("JL-004", "轮胎气压表", EquipmentKind.INSTRUMENT, "世达 96701", "快修工位", 180, "red"),
    ("JL-005", "制动液含水量检测仪", EquipmentKind.INSTRUMENT, "博世 BFT 100", "快修工位", 365,
     "green"),
    ("JL-006", "蓄电池检测仪", EquipmentKind.INSTRUMENT, "米德川 MDX-650P", "快修工位", 365,
     "green"),
    ("JL-007", "外径千分尺 0-25mm", EquipmentKind.INSTRUMENT, "三丰 103-137", "工具室", 365,
     "yellow"),
    ("ZY-001", "凸轮轴固定工具 T10340", EquipmentKind.SPECIAL_TOOL, "大众专用工具", "工具室",
     None, None),
    ("ZY-002", "正时链条张紧器固定销 T40267", EquipmentKind.SPECIAL_TOOL, "大众专用工具",
     "工具室", None, None),
    ("ZY-003", "双离合器装配工具 T10376", EquipmentKind.SPECIAL_TOOL, "大众专用工具", "工具室",
     None, None),
    ("ZY-004", "喷油器拉拔器 T10133", EquipmentKind.SPECIAL_TOOL, "大众专用工具", "工具室",
     None, None),
    ("ZY-005", "高压断电工具包 VAS 6558", EquipmentKind.SPECIAL_TOOL, "大众专用工具",
     "新能源工位", None, None),
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _plans(ctx: DemoContext) -> None:
    MaintenancePlan.objects.get_or_create(group=ctx.group, model=None, defaults={
        "first_km": 5000, "first_months": 6, "interval_km": 10000, "interval_months": 12})
    ev = VehicleModel.objects.filter(group=ctx.group, name="ID.4 X").first()
    if ev is not None:
        MaintenancePlan.objects.get_or_create(group=ctx.group, model=ev, defaults={
            "first_km": 10000, "first_months": 12, "interval_km": 20000,
            "interval_months": 24})


def _knowledge(ctx: DemoContext) -> None:
    models = {m.name: m for m in VehicleModel.objects.filter(group=ctx.group)}
    cases = CASES[:10] if ctx.small else CASES
    now = clock.now()
    for index, (title, names, symptom, diagnosis, cause, fix, parts) in enumerate(cases):
        store = ctx.stores[index % len(ctx.stores)]
        author = _user(f"{store.code.lower()}_technician")
        approver = _user(f"{store.code.lower()}_qc_inspector")
        if author is None:
            continue
        entry = knowledge_create(
            actor=author, store=store, vehicle_models=[models[n] for n in names if n in models],
            title=title, symptom=symptom, diagnosis=diagnosis, cause=cause, fix=fix,
            parts=parts)
        written = now - dt.timedelta(days=5 + 11 * (len(cases) - index),
                                     hours=ctx.rng.randrange(8))
        # The last three of each run wait for the chief inspector.
        if approver is not None and index < len(cases) - 3:
            knowledge_approve(actor=approver, store=store, entry=entry)
            KnowledgeEntry.objects.filter(pk=entry.pk).update(
                created_at=written,
                approved_at=written + dt.timedelta(days=ctx.rng.randint(1, 4)))
        else:
            KnowledgeEntry.objects.filter(pk=entry.pk).update(created_at=now - dt.timedelta(
                days=ctx.rng.randint(0, 3)))


def _calibration_day(today: dt.date, cycle: int, state: str, rng) -> dt.date:
    if state == "red":  # overdue by a few days
        return today - dt.timedelta(days=cycle + rng.randint(3, 20))
    if state == "yellow":  # due within the coming two weeks
        return today - dt.timedelta(days=cycle - rng.randint(2, 12))
    return today - dt.timedelta(days=rng.randint(20, cycle // 2))


def _equipment(ctx: DemoContext) -> None:
    today, now = clock.today(), clock.now()
    items = EQUIPMENT[:4] + EQUIPMENT[8:12] + EQUIPMENT[15:17] if ctx.small else EQUIPMENT
    for store in ctx.stores:
        code = store.code.lower()
        manager = _user(f"{code}_service_manager")
        foreman = _user(f"{code}_foreman") or manager
        technician = _user(f"{code}_technician") or foreman
        qc = _user(f"{code}_qc_inspector") or manager
        tools = []
        for asset, name, kind, make, location, cycle, state in items:
            responsible = qc if kind == EquipmentKind.INSTRUMENT else foreman
            equipment = equipment_create(
                actor=manager, store=store, asset_number=asset, name=name, kind=kind,
                specification=make, location=location, responsible=responsible,
                purchase_date=today - dt.timedelta(days=ctx.rng.randint(400, 1500)),
                calibration_cycle_days=cycle)
            if kind == EquipmentKind.INSTRUMENT:
                previous = _calibration_day(today, cycle, state, ctx.rng)
                for day in (previous - dt.timedelta(days=cycle), previous):
                    calibration_record(actor=manager, instrument=equipment, day=day,
                                       agency="市计量检测研究院",
                                       certificate=f"JD{day:%Y%m}-{ctx.rng.randint(1000, 9999)}")
            elif kind == EquipmentKind.SPECIAL_TOOL:
                tools.append(equipment)
            else:
                days = 3 if ctx.small else 10
                for offset in range(days, 0, -1):
                    equipment_log(actor=technician, equipment=equipment, kind="daily",
                                  day=today - dt.timedelta(days=offset))
                equipment_log(actor=foreman, equipment=equipment, kind="monthly",
                              day=today.replace(day=1) if today.day > 1
                              else today - dt.timedelta(days=1),
                              in_order=asset != "SB-002",
                              notes="" if asset != "SB-002" else "保险锁止块磨损，已报修")
        if len(tools) >= 2 and technician is not None:
            # Yesterday's loan that never came back (flagged), and one back on time.
            late = tool_lend(actor=foreman, tool=tools[0], borrower=technician,
                             notes="迈腾正时皮带更换")
            ToolLoan.objects.filter(pk=late.pk).update(
                lent_at=now - dt.timedelta(days=1, hours=5),
                due_at=now - dt.timedelta(hours=20))
            back = tool_lend(actor=foreman, tool=tools[1], borrower=technician)
            tool_return(actor=foreman, loan=back)


def build_warranty(ctx: DemoContext) -> None:
    """Maintenance plans, knowledge base, equipment and instruments (SV-18 … SV-20)."""
    if ctx.group is None or not ctx.stores:
        return
    _plans(ctx)
    _knowledge(ctx)
    _equipment(ctx)
