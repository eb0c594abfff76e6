package app.tuilu.ui

import app.tuilu.core.uniffi.Language

/**
 * The shell's own few words (buttons, section titles). Everything about the domain (step
 * titles, deadlines, reasons, amounts) comes worded from the core's view records.
 */
class Strings private constructor(private val zh: Boolean) {
    private fun t(zh: String, en: String) = if (this.zh) zh else en

    val appName = t("退路", "Tuilu")
    val back = t("返回", "Back")
    val moreActions = t("更多操作", "More actions")
    val timeNotYet = t("还没到这个时间，请选早一些的时间", "That time has not come yet: pick an earlier one")
    val settings = t("提醒与设置", "Reminders & settings")
    val pickScenario = t("你要办理哪件事？", "What do you want to leave?")
    fun questionOf(n: Int, total: Int) = t("第 $n / $total 题", "Question $n of $total")
    val previous = t("上一题", "Previous")
    val next = t("下一题", "Next")
    val seePlan = t("查看计划", "See the plan")
    val answerHint = t("输入你的答案", "Your answer")
    val confirmAnswer = t("确定", "OK")
    val planTitle = t("计划预览", "Plan preview")
    val createCase = t("按此计划开始", "Start with this plan")
    val editAnswers = t("修改回答", "Edit answers")
    val blockersTitle = t("挡住退出的问题", "What holds the exit back")
    val warningsTitle = t("注意", "Watch out")
    val amountsTitle = t("金额", "Amounts")
    val stepsTitle = t("步骤", "Steps")
    val addedSteps = t("因你的回答增加", "Added by your answers")
    val removedSteps = t("因你的回答省去", "Left out by your answers")
    val factsTitle = t("你的情况", "Your situation")
    val consequencesTitle = t("后果", "What follows")
    val undo = t("撤销", "Undo")
    val source = t("出处", "Source")
    val sourceTitle = t("这条规则的出处", "Where this rule comes from")
    val flagOutdated = t("标记为可能过时", "Flag as outdated")
    val flagNoteHint = t("哪里不对？（可不填）", "What is wrong? (optional)")
    val flagDefaultNote = t("可能已过时", "May be outdated")
    val close = t("关闭", "Close")
    val retry = t("重试", "Try again")
    val evidence = t("证据", "Evidence")
    val unfold = t("展开", "Show")
    val fold = t("收起", "Hide")
    val answerFirst = t("先回答这些问题", "Answer these first")
    val letters = t("文书草稿", "Letters")
    val copyLetter = t("复制", "Copy")
    val shareLetter = t("分享", "Share")
    val printLetter = t("打印", "Print")
    val markSent = t("标记为已发送", "Mark as sent")
    val saveAnswers = t("保存回答", "Save answers")
    val copied = t("已复制到剪贴板", "Copied to the clipboard")
    val guidanceTitle = t("写法提示", "Tip")
    val evidenceOf = t("本步骤的证据", "Evidence for this step")
    val addFromGallery = t("从相册添加", "Add from gallery")
    val takePhoto = t("拍照", "Take a photo")
    val verify = t("核验证据", "Verify evidence")
    val exportBundle = t("导出证据包", "Export bundle")
    val exportAndShare = t("导出并分享", "Export and share")
    val includePrivate = t("包含隐私信息", "Include private information")
    val bundleFacts = t("放入的事实", "Facts included")
    val bundleLeftOut = t("不会放入", "Left out")
    val cancel = t("取消", "Cancel")
    val working = t("处理中…", "Working…")
    val routeTitle = t("办理途径", "Route")
    val tipsTitle = t("小贴士", "Tips")
    /** The step's evidence hints on one line, with each language's punctuation. */
    fun keepAsEvidence(hints: List<String>) = t("留存证据：" + hints.joinToString("；"), "Keep as evidence: " + hints.joinToString("; "))
    val notifications = t("通知", "Notifications")
    val notificationsOn = t("已允许，提醒会按时弹出", "Allowed: reminders will show")
    val notificationsOff = t("未允许：截止提醒不会弹出", "Not allowed: deadline reminders will not show")
    val allowNotifications = t("允许通知", "Allow notifications")
    val notificationRationale = t(
        "退路只在截止日前提醒你，不推送其他内容。",
        "Tuilu only reminds you before deadlines, nothing else.",
    )
    val exactAlarms = t("准点提醒（精确闹钟）", "On-time reminders (exact alarms)")
    val exactAlarmsOn = t("已开启：提醒按设定时间准点弹出", "On: reminders show at the minute")
    val exactAlarmsOff = t("未开启：提醒会提前约一小时弹出，确保不迟到", "Off: reminders show up to an hour early so they are never late")
    val batteryGuide = t("让提醒在国产手机上准时", "Keep reminders on time on your phone")
    val batteryIntro = t(
        "部分手机会在后台清理应用，导致提醒不弹出。请按你的手机品牌设置：",
        "Some phones stop apps in the background and reminders never show. For your brand:",
    )
    val openSystemSettings = t("打开设置", "Open settings")
    val quietHours = t("免打扰时段", "Quiet hours")
    val quietOff = t("未开启", "Off")
    val reminderTime = t("默认提醒时间", "Default reminder time")
    /** "标签：值" / "Label: value", each language's colon. */
    fun labelled(label: String, value: String) = t("$label：$value", "$label: $value")
    val language = t("语言", "Language")
    val timeZone = t("时区", "Time zone")
    val calendar = t("节假日数据", "Holiday calendar")
    val exportIcs = t("导出日历（.ics）", "Export calendar (.ics)")
    val backupNote = t(
        "数据只保存在本机，不会随系统云备份或换机迁移。换手机请使用加密备份。",
        "Your data stays on this phone and is left out of cloud backup and device transfer. Use the encrypted backup to move phones.",
    )
    val backupTitle = t("加密备份", "Encrypted backup")
    val passphrase = t("备份口令", "Backup passphrase")
    val passphraseAgain = t("再输入一次口令", "The passphrase again")
    val passphraseMismatch = t("两次输入的口令不一致", "The two passphrases differ")
    val checkBackup = t("检查备份", "Check the backup")
    val replaceData = t("替换本机数据", "Replace the data on this phone")
    val backingUp = t("正在备份…", "Backing up…")
    val checkingBackup = t("正在检查备份…", "Checking the backup…")
    val restoring = t("正在恢复…", "Restoring…")
    fun importBanner(n: Int) = t(
        "收到 $n 个文件：请打开流程，在对应步骤点「证据」归档",
        "$n shared files: open a case, then a step's Evidence to file them",
    )
    val overdueBadge = t("已逾期", "Overdue")
    val estimatedBadge = t("估算", "Estimated")

    /** OEM battery and autostart guidance: brand, then the path to follow. */
    val oemGuides: List<Pair<Oem, String>> = listOf(
        Oem.XIAOMI to t(
            "小米 / HyperOS：设置 → 应用设置 → 退路 → 省电策略选「无限制」，并开启「自启动」",
            "Xiaomi / HyperOS: Settings → Apps → Tuilu → Battery saver: No restrictions; turn on Autostart",
        ),
        Oem.HUAWEI to t(
            "华为 / 荣耀：设置 → 电池 → 启动管理 → 退路 → 改为手动管理，三项全部开启",
            "Huawei / Honor: Settings → Battery → App launch → Tuilu → Manage manually, all three on",
        ),
        Oem.OPPO to t(
            "OPPO / realme / 一加：设置 → 电池 → 退路 → 允许后台运行、允许自启动",
            "OPPO / realme / OnePlus: Settings → Battery → Tuilu → Allow background activity and auto launch",
        ),
        Oem.VIVO to t(
            "vivo / iQOO：设置 → 电池 → 后台耗电管理 → 退路 → 允许后台高耗电；i管家 → 自启动",
            "vivo / iQOO: Settings → Battery → Background power → Tuilu → Allow; i Manager → Autostart",
        ),
    )

    companion object {
        fun of(language: Language) = Strings(language == Language.ZH)
    }
}

/** Phone makers whose battery managers stop background alarms. */
enum class Oem { XIAOMI, HUAWEI, OPPO, VIVO }
